/**
 * The idempotency-key statements of payments (idempotency.ts holds what payments and payouts
 * share): claiming a key for a request on an existing payment, checking whether one is live,
 * storing the answer it replays, purging expired keys. The claim that inserts a payment, and the
 * statement that stores FeexPay's reference with the answer, are the repository's: they write
 * the payment too.
 */
import type { Knex } from 'knex';
import { completeKey, readTakenKey, storedKey, type TakenKey } from './idempotency.ts';

export function createPaymentKeys(db: Knex, idempotencyTtlHours: number) {
  return {
    /** Claims a key for a request on an existing payment (the OTP step): no row is inserted. */
    async claimKey(merchantId: string, livemode: boolean, key: string, hash: string, paymentId: string): Promise<{ kind: 'claimed' } | ({ kind: 'taken' } & TakenKey)> {
      const claimed = await db.raw(
        `INSERT INTO idempotency_keys (merchant_id, key, request_hash, state, payment_id, expires_at)
         VALUES (:merchantId, :key, :hash, 'in_flight', :paymentId, now() + (:ttlHours * interval '1 hour'))
         ON CONFLICT (merchant_id, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, state = 'in_flight', payment_id = EXCLUDED.payment_id,
               response_status = NULL, response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
           WHERE idempotency_keys.expires_at < now()
         RETURNING key`,
        { merchantId, key: storedKey(key, livemode), hash, paymentId, ttlHours: idempotencyTtlHours },
      );
      if (claimed.rows.length === 1) return { kind: 'claimed' };
      const taken = await readTakenKey(db, merchantId, storedKey(key, livemode));
      // Gone between the two statements only if it expired and was purged: a new claim is the answer.
      return taken ? { kind: 'taken', ...taken } : this.claimKey(merchantId, livemode, key, hash, paymentId);
    },

    /** Whether a key is held (in flight or answered) and not expired: a retry, not a new request. */
    async isKeyLive(merchantId: string, livemode: boolean, key: string): Promise<boolean> {
      const row = await db('idempotency_keys')
        .where({ merchant_id: merchantId, key: storedKey(key, livemode) })
        .where('expires_at', '>', db.fn.now())
        .first('key');
      return row !== undefined;
    },

    /** Stores the answer a key replays from now on. */
    async completeKey(merchantId: string, livemode: boolean, key: string, status: number, body: unknown): Promise<void> {
      await completeKey(db, merchantId, storedKey(key, livemode), status, body);
    },

    /** Keys are kept for the TTL (at least 24 h); older ones are removed in small batches. */
    async purgeExpiredKeys(limit = 1000): Promise<number> {
      return db('idempotency_keys')
        .whereIn(['merchant_id', 'key'], db('idempotency_keys').select('merchant_id', 'key').where('expires_at', '<', db.fn.now()).limit(limit))
        .del();
    },
  };
}
