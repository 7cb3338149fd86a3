/**
 * Payments still pending past their deadline (`expires_at`): the reconciler should have settled
 * or expired them, so each one is a customer waiting and a sign settlement is behind (alert
 * FeexPayPaymentsStuckPending). Read on the pending-only index payments_due_idx, or
 * payments_status_created_idx (status, created_at): the few pending rows, never the table.
 */
import type { Knex } from 'knex';

export interface StuckPayment {
  id: string;
  network: string;
  amount: number;
  currency: string;
  created_at: string;
  expires_at: string;
}

export interface StuckPending {
  count: number;
  oldest_created_at: string | null;
  /** The oldest ones, oldest first. */
  payments: StuckPayment[];
}

export const STUCK_SHOWN = 20;

const iso = (d: Date | string) => new Date(d).toISOString();

interface StuckFilter {
  network: string | null;
  livemode: boolean;
  now: Date;
}

/** The pending payments past their deadline, as a query to select from (exported for the plan check). */
export function stuckQuery(db: Knex, f: StuckFilter): Knex.QueryBuilder {
  const q = db('payments').where({ status: 'pending', livemode: f.livemode }).andWhere('expires_at', '<', f.now);
  return f.network ? q.andWhere({ network: f.network }) : q;
}

export const oldestStuck = (db: Knex, f: StuckFilter) =>
  stuckQuery(db, f).select('id', 'network', 'amount', 'currency', 'created_at', 'expires_at').orderBy('created_at', 'asc').limit(STUCK_SHOWN);

export async function stuckPending(db: Knex, f: StuckFilter): Promise<StuckPending> {
  const [[totals], rows] = await Promise.all([
    stuckQuery(db, f).select(db.raw('count(*)::int AS count'), db.raw('min(created_at) AS oldest')) as Promise<{ count: number; oldest: Date | null }[]>,
    oldestStuck(db, f) as Promise<{ id: string; network: string; amount: string | number; currency: string; created_at: Date; expires_at: Date }[]>,
  ]);
  return {
    count: Number(totals?.count ?? 0),
    oldest_created_at: totals?.oldest ? iso(totals.oldest) : null,
    payments: rows.map((r) => ({ id: r.id, network: r.network, amount: Number(r.amount), currency: r.currency, created_at: iso(r.created_at), expires_at: iso(r.expires_at) })),
  };
}
