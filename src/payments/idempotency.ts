/**
 * Idempotency keys as Stripe defines them: the first request with a key claims it together with
 * the payment row (PaymentRepository.claimKeyAndInsert), a retry with the same body replays the
 * stored answer, a different body is refused, and a retry while the first runs is told to wait.
 */
import { createHash } from 'node:crypto';
import type { KeyClaim } from './repository.ts';

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

/** What an earlier use of the key means for this request. */
export type KeyVerdict =
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'key_reused' }
  | { kind: 'in_flight'; paymentId: string | null; since: Date };

export function judgeTakenKey(taken: Extract<KeyClaim, { kind: 'taken' }>, hash: string): KeyVerdict {
  if (taken.requestHash !== hash) return { kind: 'key_reused' };
  if (taken.state === 'done' && taken.status !== null) return { kind: 'replay', status: taken.status, body: taken.body };
  return { kind: 'in_flight', paymentId: taken.paymentId, since: new Date(taken.since) };
}
