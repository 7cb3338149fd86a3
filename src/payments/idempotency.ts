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

export function createIdempotencyStore(db: Knex, _payments: PaymentRepository, ttlHours: number) {
  return {
    async claimAndInsert(merchantId: string, key: string, hash: string, payment: NewPayment): Promise<ClaimResult> {
      // One statement, so one round trip and one commit on the hot path: the key is claimed and
      // the payment inserted together, or neither (the key's foreign key is checked at the end of
      // the statement, after the payment row exists). An expired key is free again; a live one
      // makes both inserts no-ops.
      const claimed = await db.raw(
        `WITH claimed AS (
           INSERT INTO idempotency_keys (merchant_id, key, request_hash, state, payment_id, expires_at)
           VALUES (:merchantId, :key, :hash, 'in_flight', :id, now() + (:ttlHours * interval '1 hour'))
           ON CONFLICT (merchant_id, key) DO UPDATE
             SET request_hash = EXCLUDED.request_hash, state = 'in_flight', payment_id = EXCLUDED.payment_id,
                 response_status = NULL, response_body = NULL, created_at = now(),
                 expires_at = EXCLUDED.expires_at
             WHERE idempotency_keys.expires_at < now()
           RETURNING key)
         INSERT INTO payments (id, merchant_id, amount, currency, network, phone_number, description, customer, metadata,
                               next_check_at, expires_at, status_source)
         SELECT :id, :merchantId, :amount, :currency, :network, :phone, :description, :customer, :metadata,
                :nextCheckAt, :expiresAt, 'api'
         WHERE EXISTS (SELECT 1 FROM claimed)
         RETURNING *`,
        {
          merchantId,
          key,
          hash,
          ttlHours,
          id: payment.id,
          amount: payment.amount,
          currency: payment.currency,
          network: payment.network,
          phone: payment.phone_number,
          description: payment.description,
          customer: JSON.stringify(payment.customer),
          metadata: JSON.stringify(payment.metadata),
          nextCheckAt: payment.next_check_at,
          expiresAt: payment.expires_at,
        },
      );
      if (claimed.rows.length === 1) return { kind: 'claimed', payment: claimed.rows[0] as PaymentRow } as const;
      const existing = await db('idempotency_keys').where({ merchant_id: merchantId, key }).first();
      if (!existing || existing.request_hash !== hash) return { kind: 'mismatch' } as const;
      if (existing.state === 'done') {
        return { kind: 'replay', status: existing.response_status, body: existing.response_body } as const;
      }
      return { kind: 'in_flight', paymentId: existing.payment_id, since: existing.created_at } as const;
    },

    /** Whether a key is held (in flight or answered) and not expired: a retry, not a new request. */
    async isLive(merchantId: string, key: string): Promise<boolean> {
      const row = await db('idempotency_keys').where({ merchant_id: merchantId, key }).where('expires_at', '>', db.fn.now()).first('key');
      return row !== undefined;
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
