/**
 * Reads payment_events, then payout_events, for an export, each in id order, a page at a time so
 * a month of events never sits in memory. Timestamps come out of PostgreSQL as text with
 * microseconds: a JS Date would drop them, and the hash must be over exactly what the database
 * holds. Payment lines keep the shape they always had; payout lines say `stream: "payout"`.
 */
import type { Knex } from 'knex';
import type { Json } from './hash-chain.ts';

export interface AuditEvent {
  [key: string]: Json;
  id: string;
  from_status: string | null;
  to_status: string;
  source: string;
  detail: { [key: string]: Json };
  created_at: string;
}

const PAGE = 1000;

const STREAMS = [
  { table: 'payment_events', subject: 'payment_id', subjects: 'payments', stream: null },
  { table: 'payout_events', subject: 'payout_id', subjects: 'payouts', stream: 'payout' },
] as const;

async function* readStream(db: Knex, s: (typeof STREAMS)[number], from: Date, to: Date): AsyncGenerator<AuditEvent> {
  let after = '0';
  for (;;) {
    const { rows } = (await db.raw(
      `SELECT id::text AS id, ??::text AS ??, from_status, to_status, source, detail,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
         FROM ??
        WHERE created_at >= ? AND created_at < ? AND id > ?::bigint
          -- Test payments and payouts are no money: the audit trail of record holds live ones only.
          AND ?? IN (SELECT id FROM ?? WHERE livemode)
        ORDER BY id
        LIMIT ?`,
      [s.subject, s.subject, s.table, from, to, after, s.subject, s.subjects, PAGE],
    )) as { rows: AuditEvent[] };
    for (const row of rows) {
      const detail = typeof row.detail === 'string' ? (JSON.parse(row.detail) as AuditEvent['detail']) : row.detail;
      yield { ...row, detail, ...(s.stream ? { stream: s.stream } : {}) };
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}

export async function* readEvents(db: Knex, from: Date, to: Date): AsyncGenerator<AuditEvent> {
  for (const s of STREAMS) yield* readStream(db, s, from, to);
}
