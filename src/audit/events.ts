/**
 * Reads payment_events for an export, in id order, a page at a time so a month of events never
 * sits in memory. Timestamps come out of PostgreSQL as text with microseconds: a JS Date would
 * drop them, and the hash must be over exactly what the database holds.
 */
import type { Knex } from 'knex';
import type { Json } from './hash-chain.ts';

export interface AuditEvent {
  [key: string]: Json;
  id: string;
  payment_id: string;
  from_status: string | null;
  to_status: string;
  source: string;
  detail: { [key: string]: Json };
  created_at: string;
}

const PAGE = 1000;

export async function* readEvents(db: Knex, from: Date, to: Date): AsyncGenerator<AuditEvent> {
  let after = '0';
  for (;;) {
    const { rows } = (await db.raw(
      `SELECT id::text AS id, payment_id::text AS payment_id, from_status, to_status, source, detail,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
         FROM payment_events
        WHERE created_at >= ? AND created_at < ? AND id > ?::bigint
          -- Test payments are no money: the audit trail of record holds live payments only.
          AND payment_id IN (SELECT id FROM payments WHERE livemode)
        ORDER BY id
        LIMIT ?`,
      [from, to, after, PAGE],
    )) as { rows: AuditEvent[] };
    for (const row of rows) {
      yield { ...row, detail: typeof row.detail === 'string' ? (JSON.parse(row.detail) as AuditEvent['detail']) : row.detail };
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}
