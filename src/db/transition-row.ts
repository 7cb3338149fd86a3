/**
 * The one way a payment or payout changes status: an UPDATE that only matches while the row is in
 * one of `from`, so concurrent writers race safely (one wins, the others get `undefined`). The
 * table's triggers add the audit row and refuse any move the state machine does not allow.
 */
import type { Knex } from 'knex';

export async function transitionRow<Row>(
  trx: Knex | Knex.Transaction,
  table: 'payments' | 'payouts',
  id: string,
  move: { to: string; from: readonly string[]; source: string; reason: string | null; detail: Record<string, unknown> | null },
): Promise<Row | undefined> {
  const [row] = await trx(table)
    .where({ id })
    .whereIn('status', [...move.from])
    .update({
      status: move.to,
      status_source: move.source,
      failure_reason: move.to === 'failed' ? (move.reason ?? 'unknown') : null,
      transition_detail: move.detail ? JSON.stringify(move.detail) : null,
    })
    .returning('*');
  return row as Row | undefined;
}
