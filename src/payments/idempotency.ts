/**
 * Idempotency keys as Stripe defines them: the first request with a key claims it together with
 * the payment row (one transaction), a retry with the same body replays the stored answer, a
 * different body is refused, and a retry while the first is still running is told to wait.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { NewPayment, PaymentRepository, PaymentRow } from './repository.ts';

export type ClaimResult =
  | { kind: 'claimed'; payment: PaymentRow }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_flight'; paymentId: string | null; since: Date }
  | { kind: 'mismatch' };

/** Canonical JSON (sorted keys) so that key order in the client's body does not matter. */
export function requestHash(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(body))).digest('hex');
}

export function createIdempotencyStore(db: Knex, payments: PaymentRepository, ttlHours: number) {
  return {
    async claimAndInsert(merchantId: string, key: string, hash: string, payment: NewPayment): Promise<ClaimResult> {
      return db.transaction(async (trx) => {
        // An expired key is free again; a live one makes this insert a no-op.
        const claimed = await trx.raw(
          `INSERT INTO idempotency_keys (merchant_id, key, request_hash, state, expires_at)
           VALUES (?, ?, ?, 'in_flight', now() + (? * interval '1 hour'))
           ON CONFLICT (merchant_id, key) DO UPDATE
             SET request_hash = EXCLUDED.request_hash, state = 'in_flight', payment_id = NULL,
                 response_status = NULL, response_body = NULL, created_at = now(),
                 expires_at = EXCLUDED.expires_at
             WHERE idempotency_keys.expires_at < now()
           RETURNING key`,
          [merchantId, key, hash, ttlHours],
        );
        if (claimed.rows.length === 1) {
          const row = await payments.insert(trx, payment);
          await trx('idempotency_keys').where({ merchant_id: merchantId, key }).update({ payment_id: row.id });
          return { kind: 'claimed', payment: row } as const;
        }
        const existing = await trx('idempotency_keys').where({ merchant_id: merchantId, key }).first();
        if (!existing || existing.request_hash !== hash) return { kind: 'mismatch' } as const;
        if (existing.state === 'done') {
          return { kind: 'replay', status: existing.response_status, body: existing.response_body } as const;
        }
        return { kind: 'in_flight', paymentId: existing.payment_id, since: existing.created_at } as const;
      });
    },

    async complete(merchantId: string, key: string, status: number, body: unknown): Promise<void> {
      await db('idempotency_keys')
        .where({ merchant_id: merchantId, key })
        .update({ state: 'done', response_status: status, response_body: JSON.stringify(body) });
    },

    /** Keys are kept for ttlHours (at least 24 h); older ones are removed in small batches. */
    async purgeExpired(limit = 1000): Promise<number> {
      return db('idempotency_keys')
        .whereIn(
          ['merchant_id', 'key'],
          db('idempotency_keys').select('merchant_id', 'key').where('expires_at', '<', db.fn.now()).limit(limit),
        )
        .del();
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
