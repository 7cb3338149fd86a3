/**
 * The database half of the weekly report. Payments count in the week they were created; expiries
 * count in the week they happened. Only amounts, networks, statuses and reasons are read.
 */
import type { Knex } from 'knex';
import type { PaymentStatus } from '../domain/payment-status.ts';
import { PAYOUT_STATUSES, type PayoutStatus } from '../domain/payouts.ts';
import type { IsoWeek } from './week.ts';

export interface WeekFigures {
  byStatus: Record<PaymentStatus, number>;
  total: number;
  successRate: number | null;
}

export interface AmountRow {
  currency: string;
  network: string;
  count: number;
  amount: number;
}

/** Money sent out: payouts created in the week by status, and what FeexPay confirmed sent. */
export interface PayoutFigures {
  byStatus: Record<PayoutStatus, number>;
  total: number;
  paidOut: AmountRow[];
}

export interface WeeklyData {
  week: WeekFigures;
  previous: WeekFigures;
  amounts: AmountRow[];
  failureReasons: { reason: string; count: number }[];
  expired: { network: string; count: number; amount: number }[];
  payouts: PayoutFigures;
}

const DAY_MS = 86_400_000;
/** PAYMENT_DEADLINE_MS is at most 7 days: nothing expiring this week was created earlier. */
const MAX_PENDING_MS = 7 * DAY_MS;

async function figures(db: Knex, w: IsoWeek): Promise<WeekFigures> {
  const rows = (await db('payments')
    .select('status')
    .count<{ status: PaymentStatus; count: number }[]>({ count: '*' })
    .where('created_at', '>=', w.start)
    .andWhere('created_at', '<', w.end)
    .andWhere('livemode', true)
    .groupBy('status')) as { status: PaymentStatus; count: number | string }[];
  const byStatus: Record<PaymentStatus, number> = { pending: 0, successful: 0, failed: 0, expired: 0, needs_review: 0 };
  for (const r of rows) byStatus[r.status] = Number(r.count);
  const decided = byStatus.successful + byStatus.failed + byStatus.expired;
  return {
    byStatus,
    total: decided + byStatus.pending + byStatus.needs_review,
    successRate: decided === 0 ? null : byStatus.successful / decided,
  };
}

async function payoutFigures(db: Knex, w: IsoWeek): Promise<PayoutFigures> {
  const range = [w.start, w.end];
  const [counts, paid] = await Promise.all([
    db.raw(`SELECT status, count(*)::int AS count FROM payouts WHERE livemode AND created_at >= ? AND created_at < ? GROUP BY status`, range),
    db.raw(
      `SELECT currency, network, count(*)::int AS count, sum(amount)::float8 AS amount
         FROM payouts WHERE livemode AND status = 'successful' AND created_at >= ? AND created_at < ?
        GROUP BY currency, network ORDER BY currency, amount DESC, network`,
      range,
    ),
  ]);
  const byStatus = Object.fromEntries(PAYOUT_STATUSES.map((s) => [s, 0])) as Record<PayoutStatus, number>;
  for (const r of counts.rows as { status: PayoutStatus; count: number }[]) byStatus[r.status] = Number(r.count);
  return { byStatus, total: PAYOUT_STATUSES.reduce((n, s) => n + byStatus[s], 0), paidOut: paid.rows as AmountRow[] };
}

export async function weeklyData(db: Knex, week: IsoWeek, previous: IsoWeek): Promise<WeeklyData> {
  const range = [week.start, week.end];
  const [thisWeek, lastWeek, amounts, reasons, expired, payouts] = await Promise.all([
    figures(db, week),
    figures(db, previous),
    db.raw(
      `SELECT currency, network, count(*)::int AS count, sum(amount)::float8 AS amount
         FROM payments WHERE livemode AND status = 'successful' AND created_at >= ? AND created_at < ?
        GROUP BY currency, network ORDER BY currency, amount DESC, network`,
      range,
    ),
    db.raw(
      `SELECT failure_reason AS reason, count(*)::int AS count
         FROM payments WHERE livemode AND status = 'failed' AND created_at >= ? AND created_at < ?
        GROUP BY failure_reason ORDER BY count DESC, reason`,
      range,
    ),
    db.raw(
      `SELECT network, count(*)::int AS count, sum(amount)::float8 AS amount
         FROM payments
        WHERE livemode AND status = 'expired' AND created_at >= ? AND created_at < ? AND settled_at >= ? AND settled_at < ?
        GROUP BY network ORDER BY count DESC, network`,
      [new Date(week.start.getTime() - MAX_PENDING_MS), week.end, week.start, week.end],
    ),
    payoutFigures(db, week),
  ]);
  return {
    week: thisWeek,
    previous: lastWeek,
    amounts: amounts.rows as AmountRow[],
    failureReasons: reasons.rows as WeeklyData['failureReasons'],
    expired: expired.rows as WeeklyData['expired'],
    payouts,
  };
}
