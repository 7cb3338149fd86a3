/**
 * The dashboard's SQL. Every query is bounded by a created_at range so it runs on
 * payments_created_idx (or payments_status_created_idx for the failures), and returns only
 * amounts, statuses, networks and reasons: no phone number, name or email ever leaves here.
 * Sums come back as float8, exact below 2^53 and a JS number on both pg and PGlite.
 */
import type { Knex } from 'knex';
import type { PaymentStatus } from '../domain/payment-status.ts';

export interface Range {
  gte: Date;
  lt: Date;
  network: string | null;
  livemode: boolean;
}

export interface GroupRow {
  day: string;
  network: string;
  status: PaymentStatus;
  currency: string;
  count: number;
  amount: number;
}

export interface FailureRow {
  id: string;
  created_at: string;
  network: string;
  currency: string;
  amount: number;
  failure_reason: string;
}

export function where(r: Range): { sql: string; bindings: Knex.Value[] } {
  const bindings: Knex.Value[] = [r.gte, r.lt, r.livemode];
  let sql = 'created_at >= ? AND created_at < ? AND livemode = ?';
  if (r.network) {
    sql += ' AND network = ?';
    bindings.push(r.network);
  }
  return { sql, bindings };
}

// Grouping on a date and formatting the few result rows afterwards costs a third less than
// formatting every row (measured on a million rows). The network is in the group so the
// per-network table comes from the same single pass over the period.
export const GROUPED_SQL = (w: string) => `
  SELECT to_char(day, 'YYYY-MM-DD') AS day, network, status, currency, count, amount
    FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, network, status, currency,
                 count(*)::int AS count, sum(amount)::float8 AS amount
            FROM payments
           WHERE ${w}
           GROUP BY 1, 2, 3, 4) AS g`;

/** Counts and amounts by UTC day, network, status and currency: every view of the page derives from it. */
export async function groupedPayments(db: Knex, r: Range): Promise<GroupRow[]> {
  const w = where(r);
  const { rows } = (await db.raw(GROUPED_SQL(w.sql), w.bindings)) as { rows: GroupRow[] };
  return rows;
}

export const FAILURES_SQL = (w: string) => `
  SELECT id::text AS id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
         network, currency, amount::float8 AS amount, failure_reason
    FROM payments
   WHERE status = 'failed' AND ${w}
   -- Qualified: the bare name would sort by the text column of the same name, not the index.
   ORDER BY payments.created_at DESC, payments.id DESC
   LIMIT ?`;

export async function latestFailures(db: Knex, r: Range, limit: number): Promise<FailureRow[]> {
  const w = where(r);
  const { rows } = (await db.raw(FAILURES_SQL(w.sql), [...w.bindings, limit])) as { rows: FailureRow[] };
  return rows;
}
