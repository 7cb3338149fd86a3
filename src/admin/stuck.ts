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
  /** At most STUCK_COUNT_CAP; `more` says there are more. */
  count: number;
  more: boolean;
  oldest_created_at: string | null;
  /** The oldest ones, oldest first. */
  payments: StuckPayment[];
}

export const STUCK_SHOWN = 20;
/** Counting stops here: past a thousand the number changes nothing for the operator, and the
 * count stays a few milliseconds even when settlement has stopped for hours. */
export const STUCK_COUNT_CAP = 1000;

const iso = (d: Date | string) => new Date(d).toISOString();

interface StuckFilter {
  network: string | null;
  livemode: boolean;
  now: Date;
}

/** The pending payments past their deadline, as a query to select from. */
function stuckQuery(db: Knex, f: StuckFilter): Knex.QueryBuilder {
  const q = db('payments').where({ status: 'pending', livemode: f.livemode }).andWhere('expires_at', '<', f.now);
  return f.network ? q.andWhere({ network: f.network }) : q;
}

/**
 * The oldest, through a materialized CTE: ordered by created_at in one query, the planner may
 * walk payments_created_idx from the table's first row looking for pending ones (it did on a
 * million rows), which reads the whole table on the usual day when pending payments are young.
 * The fence keeps it on the pending-only indexes: the cost follows the pending rows, not the table.
 */
export const oldestStuck = (db: Knex, f: StuckFilter) =>
  db
    .withMaterialized('stuck', stuckQuery(db, f).select('id', 'network', 'amount', 'currency', 'created_at', 'expires_at'))
    .from('stuck')
    .select('*')
    .orderBy('created_at', 'asc')
    .limit(STUCK_SHOWN);

export const countStuck = (db: Knex, f: StuckFilter) =>
  db
    .from(
      stuckQuery(db, f)
        .select(db.raw('1'))
        .limit(STUCK_COUNT_CAP + 1)
        .as('s'),
    )
    .select(db.raw('count(*)::int AS count'));

export async function stuckPending(db: Knex, f: StuckFilter): Promise<StuckPending> {
  const [[counted], rows] = await Promise.all([
    countStuck(db, f) as Promise<{ count: number }[]>,
    oldestStuck(db, f) as Promise<{ id: string; network: string; amount: string | number; currency: string; created_at: Date; expires_at: Date }[]>,
  ]);
  const n = Number(counted?.count ?? 0);
  return {
    count: Math.min(n, STUCK_COUNT_CAP),
    more: n > STUCK_COUNT_CAP,
    // The list is oldest first: its first row is the oldest of all.
    oldest_created_at: rows[0] ? iso(rows[0].created_at) : null,
    payments: rows.map((r) => ({ id: r.id, network: r.network, amount: Number(r.amount), currency: r.currency, created_at: iso(r.created_at), expires_at: iso(r.expires_at) })),
  };
}
