/**
 * Figures derived from the grouped rows (queries.ts), in plain code: counts by status, amounts
 * collected per currency, success rate, and the same per network. Pure functions, no SQL.
 * Success rate is successful / (successful + failed + expired): a pending payment has not
 * decided yet and would make a busy minute look like an outage.
 */
import { PAYMENT_STATUSES, type PaymentStatus } from '../domain/payment-status.ts';
import type { GroupRow } from './queries.ts';

export type StatusCounts = Record<PaymentStatus, number>;

export interface CurrencyTotal {
  currency: string;
  count: number;
  amount: number;
}

export interface NetworkFigures {
  network: string;
  payments: number;
  by_status: StatusCounts;
  success_rate: number | null;
  /** Successful payments only, per currency. */
  collected: CurrencyTotal[];
  /** Below the success-rate alert's threshold (FeexPayNetworkSuccessRateLow), with enough decided payments to mean it. */
  low_success_rate: boolean;
}

/** The alert's threshold: under it a network is flagged on the page. */
export const LOW_SUCCESS_RATE = 0.9;
/** Fewer decided payments than this say nothing about a network. */
const MIN_DECIDED = 3;

export const zeroCounts = (): StatusCounts => ({ pending: 0, successful: 0, failed: 0, expired: 0, needs_review: 0 });

export function successRate(c: StatusCounts): number | null {
  const decided = c.successful + c.failed + c.expired;
  return decided === 0 ? null : c.successful / decided;
}

export function byStatus(rows: GroupRow[]): StatusCounts {
  const c = zeroCounts();
  for (const r of rows) c[r.status] += r.count;
  return c;
}

export const totalOf = (c: StatusCounts) => PAYMENT_STATUSES.reduce((n, s) => n + c[s], 0);

export function collected(rows: GroupRow[]): CurrencyTotal[] {
  const m = new Map<string, CurrencyTotal>();
  for (const r of rows) {
    if (r.status !== 'successful') continue;
    const t = m.get(r.currency) ?? { currency: r.currency, count: 0, amount: 0 };
    t.count += r.count;
    t.amount += r.amount;
    m.set(r.currency, t);
  }
  return [...m.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** One entry per network that had payments, in name order. */
export function byNetwork(rows: GroupRow[]): NetworkFigures[] {
  const groups = new Map<string, GroupRow[]>();
  for (const r of rows) groups.set(r.network, [...(groups.get(r.network) ?? []), r]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([network, own]) => {
      const counts = byStatus(own);
      const rate = successRate(counts);
      const decided = counts.successful + counts.failed + counts.expired;
      return {
        network,
        payments: totalOf(counts),
        by_status: counts,
        success_rate: rate,
        collected: collected(own),
        low_success_rate: rate !== null && decided >= MIN_DECIDED && rate < LOW_SUCCESS_RATE,
      };
    });
}
