/**
 * The dashboard's filters: a period of whole UTC days and an optional network. Periods are capped
 * so a single request can never aggregate the whole table.
 */
import { isNetwork, type Network } from '../domain/networks.ts';

export interface DashboardFilter {
  /** Inclusive first and last UTC day, YYYY-MM-DD. */
  from: string;
  to: string;
  network: Network | null;
  /** Live data by default; test mode shows the test keys' payments, clearly marked. */
  livemode: boolean;
  /** The half-open instant range the SQL uses. */
  gte: Date;
  lt: Date;
}

export const MAX_PERIOD_DAYS = 92;
export const DEFAULT_PERIOD_DAYS = 14;
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A filter the dashboard refuses: the field at fault (`query.from`) and the catalogue code. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly param: string,
    readonly code: 'invalid_filter' | 'period_too_long' = 'invalid_filter',
  ) {
    super(message);
  }
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function day(value: string, name: string): Date {
  const d = new Date(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(d.getTime()) || isoDay(d) !== value) throw new FilterError(`"${name}" must be a date like 2026-11-01.`, `query.${name}`);
  return d;
}

/** The filter fields of a page's query string, unvalidated: a field given twice is refused, naming it. */
export function filterFields(query: Record<string, unknown>): { from?: string; to?: string; network?: string; mode?: string } {
  const fields: Record<string, string> = {};
  for (const name of ['from', 'to', 'network', 'mode'] as const) {
    const value = query[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new FilterError(`"${name}" is given more than once.`, `query.${name}`);
    fields[name] = value;
  }
  return fields;
}

export function parseFilter(query: { from?: string; to?: string; network?: string; mode?: string }, now: Date = new Date()): DashboardFilter {
  const to = query.to ? day(query.to, 'to') : day(isoDay(now), 'to');
  const from = query.from ? day(query.from, 'from') : new Date(to.getTime() - (DEFAULT_PERIOD_DAYS - 1) * DAY_MS);
  if (from > to) throw new FilterError('"from" is after "to": swap them.', 'query.from');
  const days = (to.getTime() - from.getTime()) / DAY_MS + 1;
  if (days > MAX_PERIOD_DAYS) {
    throw new FilterError(
      `The period is at most ${MAX_PERIOD_DAYS} days; ${isoDay(from)} to ${isoDay(to)} is ${days} days. Choose a later "from" or an earlier "to".`,
      'query.from',
      'period_too_long',
    );
  }
  const network = query.network ? query.network : null;
  if (network !== null && !isNetwork(network)) throw new FilterError(`"network" is not a known network.`, 'query.network');
  if (query.mode !== undefined && query.mode !== 'live' && query.mode !== 'test') throw new FilterError('"mode" must be live or test.', 'query.mode');
  return { from: isoDay(from), to: isoDay(to), network, livemode: query.mode !== 'test', gte: from, lt: new Date(to.getTime() + DAY_MS) };
}

/** Every day of the period, so days without payments show as zero rather than vanish. */
export function daysOf(filter: DashboardFilter): string[] {
  const out: string[] = [];
  for (let t = filter.gte.getTime(); t < filter.lt.getTime(); t += DAY_MS) out.push(isoDay(new Date(t)));
  return out;
}
