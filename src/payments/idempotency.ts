/**
 * Idempotency keys as Stripe defines them: the first request with a key claims it together with
 * the row it creates (a payment or a payout, in one statement built on CLAIM_KEY_SQL), a retry
 * with the same body replays the stored answer, a different body is refused, and a retry while
 * the first runs is told to wait. Payments and payouts share one key space per merchant.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/** Canonical JSON (sorted keys) so that key order in the client's body does not matter. */
export function requestHash(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

/**
 * The CTE `claimed` that takes the keys of the rows about to be inserted. `rows` is a relation with
 * the columns merchant_id, key, request_hash, payment_id and payout_id (and the binding :ttlHours
 * sets the keys' lifetime). An expired key is free again; a live one is left as it is and not
 * returned, and the statement's own insert must then skip its row (only rows in `claimed`).
 * A key's foreign key is checked at the end of the statement, after its row exists.
 */
export const claimKeysSql = (rows: string): string => `claimed AS (
   INSERT INTO idempotency_keys (merchant_id, key, request_hash, state, payment_id, payout_id, expires_at)
   SELECT merchant_id, key, request_hash, 'in_flight', payment_id, payout_id, now() + (:ttlHours * interval '1 hour') FROM ${rows}
   ON CONFLICT (merchant_id, key) DO UPDATE
     SET request_hash = EXCLUDED.request_hash, state = 'in_flight', payment_id = EXCLUDED.payment_id,
         payout_id = EXCLUDED.payout_id, response_status = NULL, response_body = NULL, created_at = now(),
         expires_at = EXCLUDED.expires_at
     WHERE idempotency_keys.expires_at < now()
   RETURNING payment_id, payout_id)`;

/** claimKeysSql for one key (bindings :merchantId, :key, :hash, :paymentId, :payoutId). */
export const CLAIM_KEY_SQL = claimKeysSql(
  `(VALUES (CAST(:merchantId AS uuid), CAST(:key AS text), CAST(:hash AS text), CAST(:paymentId AS uuid), CAST(:payoutId AS uuid)))
     AS claim (merchant_id, key, request_hash, payment_id, payout_id)`,
);

/**
 * Keys live in one table for both modes; a test key's are stored under a prefix no client key
 * can take (keys are printable ASCII without spaces), so the same key in test and live mode are
 * two keys, as the modes are two worlds.
 */
export const storedKey = (key: string, livemode: boolean): string => (livemode ? key : `test mode ${key}`);

/** A key's earlier use, as its row tells it. */
export interface TakenKey {
  requestHash: string;
  state: 'in_flight' | 'done';
  paymentId: string | null;
  payoutId: string | null;
  since: Date;
  status: number | null;
  body: unknown;
}

/** The row of a live key; undefined only if it expired and was purged since the claim. */
export async function readTakenKey(db: Knex | Knex.Transaction, merchantId: string, key: string): Promise<TakenKey | undefined> {
  const k = await db('idempotency_keys').where({ merchant_id: merchantId, key }).first();
  if (!k) return undefined;
  return {
    requestHash: k.request_hash,
    state: k.state,
    paymentId: k.payment_id,
    payoutId: k.payout_id ?? null,
    since: k.created_at,
    status: k.response_status,
    body: k.response_body,
  };
}

/** Stores the answer a key replays from now on. */
export async function completeKey(db: Knex | Knex.Transaction, merchantId: string, key: string, status: number, body: unknown): Promise<void> {
  await db('idempotency_keys')
    .where({ merchant_id: merchantId, key })
    .update({ state: 'done', response_status: status, response_body: JSON.stringify(body) });
}

/** What an earlier use of the key means for this request. */
export type KeyVerdict = { kind: 'replay'; status: number; body: unknown } | { kind: 'key_reused' } | { kind: 'in_flight'; paymentId: string | null; since: Date };

export function judgeTakenKey(taken: Omit<TakenKey, 'payoutId'>, hash: string): KeyVerdict {
  if (taken.requestHash !== hash) return { kind: 'key_reused' };
  if (taken.state === 'done' && taken.status !== null) return { kind: 'replay', status: taken.status, body: taken.body };
  return { kind: 'in_flight', paymentId: taken.paymentId, since: new Date(taken.since) };
}

/** How a request whose key was already taken is answered; the route maps each kind to HTTP. */
export type TakenOutcome<V> = { kind: 'replayed'; statusCode: number; body: V } | { kind: 'key_reused' } | { kind: 'in_flight' };

export interface TakenKeyOptions<V> {
  now: number;
  /** Longer than the longest FeexPay call, so a live first attempt is never taken over. */
  staleInFlightMs: number;
  /** The row the first attempt created, as the API shows it. */
  current: (id: string) => Promise<V | undefined>;
  /** Stores the answer the key replays from now on. */
  complete: (status: number, body: V) => Promise<void>;
}

export async function answerTakenKey<V>(taken: TakenKey, hash: string, resourceId: string | null, o: TakenKeyOptions<V>): Promise<TakenOutcome<V>> {
  const verdict = judgeTakenKey(taken, hash);
  if (verdict.kind === 'replay') return { kind: 'replayed', statusCode: verdict.status, body: verdict.body as V };
  if (verdict.kind === 'key_reused') return verdict;
  // A first attempt that died mid-way (process killed) must not lock the key forever: past the
  // longest FeexPay call, answer with the row as it stands and close the key.
  if (resourceId && o.now - verdict.since.getTime() > o.staleInFlightMs) {
    const body = await o.current(resourceId);
    if (body) {
      await o.complete(201, body);
      return { kind: 'replayed', statusCode: 201, body };
    }
  }
  return { kind: 'in_flight' };
}
