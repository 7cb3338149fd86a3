/**
 * The dashboard's payout figures for the selected period and network: payouts by status and
 * what FeexPay confirmed sent, per currency. Amounts, statuses and currencies only.
 */
import type { Knex } from 'knex';
import { PAYOUT_STATUSES, type PayoutStatus } from '../domain/payouts.ts';
import { where, type Range } from './queries.ts';

export interface PayoutSummary {
  payouts: number;
  by_status: Record<PayoutStatus, number>;
  paid_out: { currency: string; count: number; amount: number }[];
}

export async function payoutSummary(db: Knex, r: Range): Promise<PayoutSummary> {
  const w = where(r);
  const { rows } = (await db.raw(`SELECT status, currency, count(*)::int AS count, sum(amount)::float8 AS amount FROM payouts WHERE ${w.sql} GROUP BY 1, 2`, w.bindings)) as {
    rows: { status: PayoutStatus; currency: string; count: number; amount: number }[];
  };
  const byStatus = Object.fromEntries(PAYOUT_STATUSES.map((s) => [s, 0])) as Record<PayoutStatus, number>;
  const paid = new Map<string, { currency: string; count: number; amount: number }>();
  for (const row of rows) {
    byStatus[row.status] += row.count;
    if (row.status !== 'successful') continue;
    const t = paid.get(row.currency) ?? { currency: row.currency, count: 0, amount: 0 };
    t.count += row.count;
    t.amount += row.amount;
    paid.set(row.currency, t);
  }
  return {
    payouts: rows.reduce((n, row) => n + row.count, 0),
    by_status: byStatus,
    paid_out: [...paid.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}
