/**
 * Settles payments left pending (FeexPay timeouts, lost callbacks). Each pass claims due rows
 * with a lease (see PaymentRepository.claimDue), so any number of replicas can run it at once
 * and none checks the same payment twice in a pass.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { FeexPayClient } from '../feexpay/types.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import type { IdempotencyStore } from '../payments/idempotency.ts';
import type { PaymentRepository, PaymentRow } from '../payments/repository.ts';
import type { Settler } from '../payments/settle.ts';
import type { Config } from '../config.ts';

export interface ReconcilerDeps {
  payments: PaymentRepository;
  idempotency: IdempotencyStore;
  settler: Settler;
  feexpay: () => FeexPayClient;
  metrics: ServiceMetrics;
  log: FastifyBaseLogger;
  settings: Config['reconciler'];
  /** A claimed row is hidden from other replicas this long: longer than one status call. */
  leaseMs: number;
  onFailure?: (err: unknown) => void;
}

type CheckOutcome = 'settled' | 'still_pending' | 'expired' | 'error';

const PARALLEL_CHECKS = 8;

export function createReconciler(deps: ReconcilerDeps) {
  const s = deps.settings;

  function nextCheck(p: PaymentRow, now: number): Date {
    const backoff = Math.min(Math.max(s.firstCheckAfterMs, 1000) * 2 ** Math.max(p.check_attempts - 1, 0), s.maxBackoffMs);
    // The last check lands on the deadline itself, so expiry always follows a final look.
    return new Date(Math.min(now + backoff, new Date(p.expires_at).getTime()));
  }

  async function check(p: PaymentRow): Promise<CheckOutcome> {
    const now = Date.now();
    const pastDeadline = now >= new Date(p.expires_at).getTime();
    let unavailable = false;
    if (p.feexpay_reference) {
      const st = await deps.feexpay().getStatus(p.feexpay_reference);
      if (st.kind === 'found' && st.status !== 'pending') {
        const outcome = await deps.settler.apply(p, st.status, 'reconciler', st.reason, st.amount);
        if (outcome === 'settled' || outcome === 'already_final') return 'settled';
        unavailable = true; // an anomaly: keep checking, a person has been told
      } else if (st.kind !== 'found') {
        unavailable = st.kind === 'unavailable';
      }
    }
    if (pastDeadline && !unavailable) {
      await deps.settler.expire(p);
      return 'expired';
    }
    await deps.payments.reschedule(p.id, pastDeadline ? new Date(now + s.firstCheckAfterMs) : nextCheck(p, now));
    return unavailable ? 'error' : 'still_pending';
  }

  async function runOnce(): Promise<Record<CheckOutcome, number>> {
    const counts: Record<CheckOutcome, number> = { settled: 0, still_pending: 0, expired: 0, error: 0 };
    const due = await deps.payments.claimDue(s.batchSize, deps.leaseMs);
    for (let i = 0; i < due.length; i += PARALLEL_CHECKS) {
      const outcomes = await Promise.all(
        due.slice(i, i + PARALLEL_CHECKS).map((p) =>
          check(p).catch((err: unknown) => {
            deps.log.error({ event: 'reconciler.check_failed', payment_id: p.id, err }, 'reconciler check failed');
            deps.onFailure?.(err);
            return 'error' as const;
          }),
        ),
      );
      for (const o of outcomes) {
        counts[o] += 1;
        deps.metrics.reconcilerChecks.inc({ outcome: o });
      }
    }
    if (due.length > 0) deps.log.info({ event: 'reconciler.pass', claimed: due.length, ...counts }, 'reconciler pass');
    return counts;
  }

  async function refreshGauges(): Promise<void> {
    const { pendingByNetwork, oldestDueSeconds, oldestPendingSeconds } = await deps.payments.backlog();
    deps.metrics.paymentsPending.reset();
    for (const [network, n] of pendingByNetwork) deps.metrics.paymentsPending.set({ network }, n);
    deps.metrics.reconcilerOldestDue.set(oldestDueSeconds);
    deps.metrics.oldestPendingAge.set(oldestPendingSeconds);
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let passes = 0;

  async function tick(): Promise<void> {
    try {
      await refreshGauges();
      await runOnce();
      if (passes++ % 100 === 0) await deps.idempotency.purgeExpired();
      deps.metrics.reconcilerRuns.inc({ result: 'ok' });
    } catch (err) {
      deps.metrics.reconcilerRuns.inc({ result: 'error' });
      deps.log.error({ event: 'reconciler.pass_failed', err }, 'reconciler pass failed');
      deps.onFailure?.(err);
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = undefined;
        schedule();
      });
    }, s.intervalMs);
    timer.unref();
  }

  return {
    runOnce,
    refreshGauges,
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    /** Stops scheduling and waits for a pass in progress, so shutdown never cuts a transition. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
