/**
 * The dashboard's figures, shaped for the page and for scripts (GET /admin/api/summary). Every
 * figure follows the page's data mode (live unless ?mode=test) and network filter; the period
 * figures follow its dates, "today" and "last 24 h" the clock, stuck payments the present.
 */
import type { Knex } from 'knex';
import { PAYMENT_STATUSES, type PaymentStatus } from '../domain/payment-status.ts';
import { byNetwork, byStatus, collected, successRate, totalOf, zeroCounts, type CurrencyTotal, type NetworkFigures, type StatusCounts } from './aggregate.ts';
import { daysOf, type DashboardFilter } from './filters.ts';
import { payoutSummary, type PayoutSummary } from './payout-summary.ts';
import { groupedPayments, latestFailures, type FailureRow, type GroupRow } from './queries.ts';
import { stuckPending, type StuckPending } from './stuck.ts';

interface Totals {
  payments: number;
  by_status: StatusCounts;
  success_rate: number | null;
  collected: CurrencyTotal[];
}

export interface Summary {
  filter: { from: string; to: string; network: string | null; mode: 'live' | 'test' };
  generated_at: string;
  /** The current UTC day, midnight to now. */
  today: { day: string } & Totals;
  last_24h: Totals;
  period: {
    payments: number;
    success_rate: number | null;
    per_day: ({ day: string; total: number } & StatusCounts)[];
    status_share: { status: PaymentStatus; count: number; share: number }[];
    collected: CurrencyTotal[];
    /** One row per network that had payments in the period: a failing operator stands out. */
    by_network: NetworkFigures[];
  };
  latest_failures: FailureRow[];
  /** Pending past their deadline, now (not bound to the period). */
  stuck_pending: StuckPending;
  /** Money sent out in the period (created in it), in the same mode. */
  payouts: PayoutSummary;
}

export const FAILURES_SHOWN = 20;
const DAY_MS = 86_400_000;

function totals(rows: GroupRow[]): Totals {
  const counts = byStatus(rows);
  return { payments: totalOf(counts), by_status: counts, success_rate: successRate(counts), collected: collected(rows) };
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
  const period = { gte: filter.gte, lt: filter.lt, network, livemode };
  const [periodRows, dayRows, failures, stuck, payouts] = await Promise.all([
    groupedPayments(db, period),
    // The last 24 hours always hold the whole current UTC day: "today" is read from the same rows.
    groupedPayments(db, { gte: new Date(now.getTime() - DAY_MS), lt: new Date(now.getTime() + 1), network, livemode }),
    latestFailures(db, period, FAILURES_SHOWN),
    stuckPending(db, { network, livemode, now }),
    payoutSummary(db, period),
  ]);
  const counts = byStatus(periodRows);
  const total = totalOf(counts);
  const today = now.toISOString().slice(0, 10);
  return {
    filter: { from: filter.from, to: filter.to, network, mode: livemode ? 'live' : 'test' },
    generated_at: now.toISOString(),
    today: { day: today, ...totals(dayRows.filter((r) => r.day === today)) },
    last_24h: totals(dayRows),
    period: {
      payments: total,
      success_rate: successRate(counts),
      per_day: perDay(filter, periodRows),
      status_share: PAYMENT_STATUSES.map((status) => ({ status, count: counts[status], share: total ? counts[status] / total : 0 })),
      collected: collected(periodRows),
      by_network: byNetwork(periodRows),
    },
    latest_failures: failures,
    stuck_pending: stuck,
    payouts,
  };
}
