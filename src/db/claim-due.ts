/**
 * Claims due pending rows (payments or payouts) for one reconciler pass. SKIP LOCKED lets replicas
 * share the queue, and pushing next_check_at forward by a lease keeps a claimed row away from the
 * others without holding a transaction open across FeexPay calls.
 */
import type { Knex } from 'knex';

export async function claimDueRows<Row>(db: Knex, table: 'payments' | 'payouts', limit: number, leaseMs: number): Promise<Row[]> {
  const { rows } = await db.raw(
    `UPDATE ?? SET next_check_at = now() + (? * interval '1 millisecond'),
                   check_attempts = check_attempts + 1
     WHERE id IN (
       SELECT id FROM ??
       WHERE status = 'pending' AND next_check_at <= now()
       ORDER BY next_check_at
       LIMIT ?
       FOR UPDATE SKIP LOCKED)
     AND status = 'pending'
     RETURNING *`,
    [table, leaseMs, table, limit],
  );
  return rows as Row[];
}
