/**
 * The dashboard's figures, shaped for the page and for scripts (GET /admin/api/summary).
 * Success rate is successful / (successful + failed + expired): a pending payment has not
 * decided yet and would make a busy minute look like an outage.
 */
import type { Knex } from 'knex';
import { PAYMENT_STATUSES, type PaymentStatus } from '../domain/payment-status.ts';
import { daysOf, type DashboardFilter } from './filters.ts';
import { payoutSummary, type PayoutSummary } from './payout-summary.ts';
import { groupedPayments, latestFailures, type FailureRow, type GroupRow } from './queries.ts';

export type StatusCounts = Record<PaymentStatus, number>;

export interface CurrencyTotal {
  currency: string;
  count: number;
  amount: number;
}

export interface Summary {
  filter: { from: string; to: string; network: string | null; mode: 'live' | 'test' };
  generated_at: string;
  last_24h: { payments: number; by_status: StatusCounts; success_rate: number | null; collected: CurrencyTotal[] };
  period: {
    payments: number;
    success_rate: number | null;
    per_day: ({ day: string; total: number } & StatusCounts)[];
    status_share: { status: PaymentStatus; count: number; share: number }[];
    collected: CurrencyTotal[];
  };
  latest_failures: FailureRow[];
  /** Money sent out in the period (created in it), in the same mode. */
  payouts: PayoutSummary;
}

export const FAILURES_SHOWN = 20;
const DAY_MS = 86_400_000;

const zeroCounts = (): StatusCounts => ({ pending: 0, successful: 0, failed: 0, expired: 0, needs_review: 0 });

export function successRate(c: StatusCounts): number | null {
  const decided = c.successful + c.failed + c.expired;
  return decided === 0 ? null : c.successful / decided;
}

function byStatus(rows: GroupRow[]): StatusCounts {
  const c = zeroCounts();
  for (const r of rows) c[r.status] += r.count;
  return c;
}

function collected(rows: GroupRow[]): CurrencyTotal[] {
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

function perDay(filter: DashboardFilter, rows: GroupRow[]): Summary['period']['per_day'] {
  const days = new Map(daysOf(filter).map((d) => [d, { day: d, total: 0, ...zeroCounts() }]));
  for (const r of rows) {
    const d = days.get(r.day);
    if (!d) continue;
    d[r.status] += r.count;
    d.total += r.count;
  }
  return [...days.values()];
}

export async function buildSummary(db: Knex, filter: DashboardFilter, now: Date = new Date()): Promise<Summary> {
  const { network, livemode } = filter;
  const [periodRows, dayRows, failures, payouts] = await Promise.all([
    groupedPayments(db, { gte: filter.gte, lt: filter.lt, network, livemode }),
    groupedPayments(db, { gte: new Date(now.getTime() - DAY_MS), lt: new Date(now.getTime() + 1), network, livemode }),
    latestFailures(db, { gte: filter.gte, lt: filter.lt, network, livemode }, FAILURES_SHOWN),
    payoutSummary(db, { gte: filter.gte, lt: filter.lt, network, livemode }),
  ]);
  const period = byStatus(periodRows);
  const total = PAYMENT_STATUSES.reduce((n, s) => n + period[s], 0);
  const last24 = byStatus(dayRows);
  return {
    filter: { from: filter.from, to: filter.to, network, mode: livemode ? 'live' : 'test' },
    generated_at: now.toISOString(),
    last_24h: {
      payments: PAYMENT_STATUSES.reduce((n, s) => n + last24[s], 0),
      by_status: last24,
      success_rate: successRate(last24),
      collected: collected(dayRows),
    },
    period: {
      payments: total,
      success_rate: successRate(period),
      per_day: perDay(filter, periodRows),
      status_share: PAYMENT_STATUSES.map((status) => ({ status, count: period[status], share: total ? period[status] / total : 0 })),
      collected: collected(periodRows),
    },
    latest_failures: failures,
    payouts,
  };
}
