/**
 * Settles payments left pending (FeexPay timeouts, lost callbacks). Each pass claims due rows
 * with a lease (see PaymentRepository.claimDue), so any number of replicas can run it at once
 * and none checks the same payment twice in a pass. It never guesses: a payment expires only
 * when FeexPay itself still says pending at the final check; one it cannot ask about, or whose
 * answer does not fit, goes to review.
 */
import type { FastifyBaseLogger } from 'fastify';
import { REVIEW_CAUSES } from '../domain/payment-status.ts';
import type { FeexPayClient, FeexPayFor } from '../feexpay/types.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import type { Deliveries } from '../payments/deliveries.ts';
import { pairs } from '../payments/pairing.ts';
import type { PaymentRepository, PaymentRow } from '../payments/repository.ts';
import type { ReviewItems } from '../payments/review-items.ts';
import type { Settler } from '../payments/settle.ts';
import type { Config } from '../config.ts';
import { checkClaimed } from './claimed-checks.ts';
import { createLoop } from './loop.ts';

export interface ReconcilerDeps {
  payments: PaymentRepository;
  deliveries: Deliveries;
  reviews: ReviewItems;
  settler: Settler;
  feexpay: FeexPayFor;
  metrics: ServiceMetrics;
  log: FastifyBaseLogger;
  settings: Config['reconciler'];
  /** A claimed row (due or late) is hidden from other replicas this long: longer than one status call. */
  leaseMs: number;
  onFailure?: (err: unknown) => void;
}

type CheckOutcome = 'settled' | 'still_pending' | 'expired' | 'review' | 'error';

const PARALLEL_CHECKS = 8;
/** The last late look at an expired payment comes this long after its expiry. */
const LAST_LATE_CHECK_MS = 86_400_000;

export function createReconciler(deps: ReconcilerDeps) {
  const s = deps.settings;

  function nextCheck(p: PaymentRow, now: number): Date {
    const backoff = Math.min(Math.max(s.firstCheckAfterMs, 1000) * 2 ** Math.max(p.check_attempts - 1, 0), s.maxBackoffMs);
    // The last check lands on the deadline itself, so expiry always follows a final look.
    return new Date(Math.min(now + backoff, new Date(p.expires_at).getTime()));
  }

  async function later(p: PaymentRow, now: number, outcome: CheckOutcome): Promise<CheckOutcome> {
    const pastDeadline = now >= new Date(p.expires_at).getTime();
    await deps.payments.reschedule(p.id, pastDeadline ? new Date(now + Math.max(s.firstCheckAfterMs, 1000)) : nextCheck(p, now));
    return outcome;
  }

  /**
   * A payment with no reference (its request-to-pay answer was lost): references that webhooks
   * named for it are tried, with the pairing checks; at the deadline it goes to review, since
   * the request may have reached FeexPay and the customer may have paid.
   */
  async function checkUnreferenced(p: PaymentRow, now: number): Promise<CheckOutcome> {
    for (const reference of await deps.deliveries.candidateReferences(p.id)) {
      const st = await deps.feexpay(p.livemode).getStatus(reference);
      if (st.kind !== 'found' || !pairs(p, st)) continue;
      const attached = await deps.payments.attachFeexPay(p.id, { reference });
      if (attached === 'conflict' || attached === undefined) continue;
      return checkReferenced(attached, now, st);
    }
    if (now < new Date(p.expires_at).getTime()) return later(p, now, 'still_pending');
    await deps.settler.review(p, 'no_reference', 'reconciler');
    return 'review';
  }

  async function checkReferenced(p: PaymentRow, now: number, known?: Awaited<ReturnType<FeexPayClient['getStatus']>>): Promise<CheckOutcome> {
    const pastDeadline = now >= new Date(p.expires_at).getTime();
    const st = known ?? (await deps.feexpay(p.livemode).getStatus(p.feexpay_reference!));
    if (st.kind === 'found') {
      const outcome = await deps.settler.confirm(p, st, 'reconciler');
      if (outcome === 'settled' || outcome === 'already_final') return 'settled';
      if (outcome === 'review') return 'review';
      if (!pastDeadline) return later(p, now, 'still_pending');
      // FeexPay itself still says pending at the final check: the one meaning of expired.
      if ((await deps.settler.expire(p)) !== 'settled') return 'settled';
      await deps.payments.scheduleLateCheck(p.id, new Date(now + s.lateCheckAfterMs));
      return 'expired';
    }
    if (st.kind === 'not_found') {
      // FeexPay may index a new reference late; past the deadline it disowns one it issued.
      if (!pastDeadline) return later(p, now, 'still_pending');
      await deps.settler.review(p, 'reference_not_found', 'reconciler', { reference: p.feexpay_reference });
      return 'review';
    }
    if (now >= new Date(p.expires_at).getTime() + s.unavailableGraceMs) {
      await deps.settler.review(p, 'status_unavailable', 'reconciler', { reference: p.feexpay_reference });
      return 'review';
    }
    return later(p, now, 'error');
  }

  async function check(p: PaymentRow): Promise<CheckOutcome> {
    const now = Date.now();
    return p.feexpay_reference ? checkReferenced(p, now) : checkUnreferenced(p, now);
  }

  /**
   * An expired payment is asked about again (after LATE_CHECK_AFTER_MS, then a day after its
   * expiry): a success FeexPay decided late is money the merchant was told did not come, and
   * its webhook may never arrive.
   */
  async function lateCheck(p: PaymentRow): Promise<CheckOutcome> {
    const now = Date.now();
    const expiredAt = new Date(p.settled_at ?? p.updated_at).getTime();
    const st = await deps.feexpay(p.livemode).getStatus(p.feexpay_reference!);
    const next = now < expiredAt + LAST_LATE_CHECK_MS ? new Date(expiredAt + LAST_LATE_CHECK_MS) : null;
    if (st.kind === 'unavailable') {
      await deps.payments.scheduleLateCheck(p.id, new Date(now + s.lateCheckAfterMs));
      return 'error';
    }
    if (st.kind === 'found' && (await deps.settler.confirm(p, st, 'reconciler')) === 'review') {
      // The claim's lease would bring it back: the review item holds it now.
      await deps.payments.scheduleLateCheck(p.id, null);
      return 'review';
    }
    await deps.payments.scheduleLateCheck(p.id, next);
    return 'settled';
  }

  /** One pass; `deferred` counts the claimed rows it left for their lease to end (see claimed-checks.ts). */
  async function runOnce(signal?: AbortSignal): Promise<Record<CheckOutcome | 'deferred', number>> {
    const counts: Record<CheckOutcome, number> = { settled: 0, still_pending: 0, expired: 0, review: 0, error: 0 };
    const claimedAt = Date.now();
    const claimed = await deps.payments.claimDue(s.batchSize, deps.leaseMs);
    const late = await deps.payments.claimLateChecks(s.batchSize, deps.leaseMs);
    const due: [PaymentRow, (p: PaymentRow) => Promise<CheckOutcome>][] = [
      ...claimed.map((p) => [p, check] as [PaymentRow, typeof check]),
      ...late.map((p) => [p, lateCheck] as [PaymentRow, typeof check]),
    ];
    const { outcomes, deferred } = await checkClaimed(due, { parallel: PARALLEL_CHECKS, leaseMs: deps.leaseMs, claimedAt, signal }, ([p, run]) =>
      run(p).catch((err: unknown) => {
        deps.log.error({ event: 'reconciler.check_failed', payment_id: p.id, err }, 'reconciler check failed');
        deps.onFailure?.(err);
        return 'error' as const;
      }),
    );
    for (const o of outcomes) {
      counts[o] += 1;
      deps.metrics.reconcilerChecks.inc({ outcome: o });
    }
    if (due.length > 0) deps.log.info({ event: 'reconciler.pass', claimed: due.length, ...counts, deferred }, 'reconciler pass');
    return { ...counts, deferred };
  }

  async function refreshGauges(): Promise<void> {
    const [{ pendingByNetwork, oldestDueSeconds, oldestPendingSeconds }, open] = await Promise.all([deps.payments.backlog(), deps.reviews.openCounts()]);
    deps.metrics.paymentsPending.reset();
    for (const [network, n] of pendingByNetwork) deps.metrics.paymentsPending.set({ network }, n);
    deps.metrics.reconcilerOldestDue.set(oldestDueSeconds);
    deps.metrics.paymentsOldestPending.set(oldestPendingSeconds);
    for (const cause of REVIEW_CAUSES) deps.metrics.reviewItemsOpen.set({ cause }, open.byCause.get(cause) ?? 0);
    deps.metrics.reviewItemsOldest.set(open.oldestSeconds);
  }

  let passes = 0;

  async function tick(signal: AbortSignal): Promise<void> {
    try {
      await refreshGauges();
      await runOnce(signal);
      if (passes++ % 100 === 0) await deps.payments.purgeExpiredKeys();
      deps.metrics.reconcilerRuns.inc({ result: 'ok' });
    } catch (err) {
      deps.metrics.reconcilerRuns.inc({ result: 'error' });
      deps.log.error({ event: 'reconciler.pass_failed', err }, 'reconciler pass failed');
      deps.onFailure?.(err);
    }
  }

  const loop = createLoop(s.intervalMs, tick);

  return {
    runOnce,
    refreshGauges,
    start: loop.start,
    /** Stops scheduling; a pass in progress starts no new checks and is waited for, so shutdown never cuts a transition. */
    stop: loop.stop,
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
