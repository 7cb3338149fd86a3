/**
 * Polls FeexPay for pending payouts until each is final, as the system this replaces did with its
 * periodic tasks. Rows are claimed with a lease (claimDueRows, FOR UPDATE SKIP LOCKED), so every
 * replica runs it and none checks a payout twice in a pass; checks back off exponentially up to
 * RECONCILE_MAX_BACKOFF_MS. A payout never expires: while FeexPay says pending it stays pending
 * (the stuck-pending alert watches the age); what FeexPay cannot confirm goes to review.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PayoutClient } from '../feexpay/payout-client.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import type { PayoutRepository, PayoutRow } from '../payouts/repository.ts';
import type { PayoutSettler } from '../payouts/settle.ts';
import type { Config } from '../config.ts';
import { checkClaimed } from './claimed-checks.ts';
import { createLoop } from './loop.ts';

export interface PayoutReconcilerDeps {
  payouts: PayoutRepository;
  settler: PayoutSettler;
  feexpay: (livemode: boolean) => PayoutClient;
  metrics: ServiceMetrics;
  log: FastifyBaseLogger;
  settings: Config['reconciler'];
  /** A claimed row is hidden from other replicas this long: longer than two status calls. */
  leaseMs: number;
  /** A payout with no reference older than this was abandoned mid-call (process killed). */
  staleInFlightMs: number;
  onFailure?: (err: unknown) => void;
}

export type PayoutCheckOutcome = 'settled' | 'still_pending' | 'review' | 'error';

const PARALLEL_CHECKS = 8;

export function createPayoutReconciler(deps: PayoutReconcilerDeps) {
  const s = deps.settings;

  async function later(p: PayoutRow, now: number, outcome: PayoutCheckOutcome): Promise<PayoutCheckOutcome> {
    const backoff = Math.min(Math.max(s.firstCheckAfterMs, 1000) * 2 ** Math.max(p.check_attempts - 1, 0), s.maxBackoffMs);
    await deps.payouts.reschedule(p.id, new Date(now + backoff));
    return outcome;
  }

  async function check(p: PayoutRow): Promise<PayoutCheckOutcome> {
    const now = Date.now();
    const age = now - new Date(p.created_at).getTime();
    if (!p.feexpay_reference) {
      // The transfer's answer never got recorded: FeexPay may have sent the money.
      if (age < deps.staleInFlightMs) return later(p, now, 'still_pending');
      await deps.settler.review(p, 'no_reference', 'reconciler');
      return 'review';
    }
    const st = await deps.feexpay(p.livemode).status(p.feexpay_reference);
    if (st.kind === 'found') {
      const outcome = await deps.settler.confirm(p, st, 'reconciler');
      if (outcome === 'still_pending') return later(p, now, 'still_pending');
      return outcome === 'review' ? 'review' : 'settled';
    }
    if (st.kind === 'not_found') {
      // FeexPay may index a new reference late; past the deadline it disowns one it issued.
      if (age < s.deadlineMs) return later(p, now, 'still_pending');
      await deps.settler.review(p, 'reference_not_found', 'reconciler', { reference: p.feexpay_reference });
      return 'review';
    }
    if (age >= s.deadlineMs + s.unavailableGraceMs) {
      await deps.settler.review(p, 'status_unavailable', 'reconciler', { reference: p.feexpay_reference, answer: { cause: st.cause } });
      return 'review';
    }
    return later(p, now, 'error');
  }

  async function runOnce(signal?: AbortSignal): Promise<Record<PayoutCheckOutcome | 'deferred', number>> {
    const counts: Record<PayoutCheckOutcome, number> = { settled: 0, still_pending: 0, review: 0, error: 0 };
    const claimedAt = Date.now();
    const due = await deps.payouts.claimDue(s.batchSize, deps.leaseMs);
    const { outcomes, deferred } = await checkClaimed(due, { parallel: PARALLEL_CHECKS, leaseMs: deps.leaseMs, claimedAt, signal }, (p) =>
      check(p).catch((err: unknown) => {
        deps.log.error({ event: 'payout_reconciler.check_failed', payout_id: p.id, err }, 'payout check failed');
        deps.onFailure?.(err);
        return 'error' as const;
      }),
    );
    for (const o of outcomes) counts[o] += 1;
    if (due.length > 0) deps.log.info({ event: 'payout_reconciler.pass', claimed: due.length, ...counts, deferred }, 'payout reconciler pass');
    return { ...counts, deferred };
  }

  async function refreshGauges(): Promise<void> {
    const { pendingByNetwork, oldestPendingSeconds } = await deps.payouts.backlog();
    deps.metrics.payoutsPending.reset();
    for (const [network, n] of pendingByNetwork) deps.metrics.payoutsPending.set({ network }, n);
    deps.metrics.payoutsOldestPending.set(oldestPendingSeconds);
  }

  const loop = createLoop(s.intervalMs, async (signal) => {
    try {
      await refreshGauges();
      await runOnce(signal);
    } catch (err) {
      deps.log.error({ event: 'payout_reconciler.pass_failed', err }, 'payout reconciler pass failed');
      deps.onFailure?.(err);
    }
  });

  return { runOnce, refreshGauges, start: loop.start, stop: loop.stop };
}

export type PayoutReconciler = ReturnType<typeof createPayoutReconciler>;
