/**
 * The delivery worker of one replica: claims due deliveries, signs and posts them, records what
 * happened. At most `concurrency` attempts run at once and at most `perEndpointConcurrency` of
 * them to one endpoint, so a slow or dead endpoint holds a few slots and nobody else's events
 * wait behind it. Outcomes are written in batches by a single writer (see DeliveryQueue.record).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { MerchantEventsConfig } from '../config.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import type { AttemptRecord, ClaimedDelivery, DeliveryQueue } from './delivery-queue.ts';
import type { Sender } from './http-attempt.ts';
import { eventPayload } from './present.ts';
import { signedHeaders } from './signing.ts';

export interface WorkerDeps {
  queue: DeliveryQueue;
  sender: Sender;
  settings: MerchantEventsConfig;
  metrics: ServiceMetrics;
  log: FastifyBaseLogger;
  onEndpointDisabled: (endpoint: { id: string; merchant_id: string }) => void;
  onFailure: (err: unknown) => void;
}

const GAUGES_EVERY_MS = 15_000;
const RECORD_BATCH = 500;

export function createDeliveryWorker(deps: WorkerDeps) {
  const s = deps.settings;
  // Longer than an attempt plus the time its outcome may wait to be written.
  const leaseMs = s.timeoutMs + 60_000;
  const perEndpoint = new Map<string, number>();
  let inFlight = 0;
  /** Attempts finished so far: a slot freed while a claim ran must not wait for the next poll. */
  let finished = 0;
  let stopped = true;
  let pump: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const pendingRecords: AttemptRecord[] = [];
  let writing: Promise<void> | undefined;
  const attempts = new Set<Promise<void>>();
  /**
   * Claimed but not started, per endpoint: up to as many again as may run, so a slot that frees
   * starts the next attempt at once instead of waiting for a claim's round trip.
   */
  const ready = new Map<string, ClaimedDelivery[]>();
  let readyCount = 0;
  const heldPerEndpoint = () => {
    const held = new Map(perEndpoint);
    for (const [id, queue] of ready) held.set(id, (held.get(id) ?? 0) + queue.length);
    return held;
  };

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function writeOutcomes(): Promise<void> {
    while (pendingRecords.length) {
      const batch = pendingRecords.splice(0, RECORD_BATCH);
      try {
        const disabled = await deps.queue.record(batch, s.disableAfterSeconds);
        for (const e of disabled) {
          deps.log.warn({ event: 'merchant_events.endpoint_disabled', endpoint_id: e.id, merchant_id: e.merchant_id }, 'webhook endpoint disabled after failing for too long');
          deps.onEndpointDisabled(e);
        }
      } catch (err) {
        // The deliveries stay leased and are attempted again when the lease ends (at least once).
        deps.log.error({ event: 'merchant_events.record_failed', err, attempts: batch.length }, 'recording delivery attempts failed');
        deps.onFailure(err);
      }
    }
  }

  function recordOutcome(r: AttemptRecord): void {
    pendingRecords.push(r);
    deps.metrics.merchantEventAttempts.inc({ outcome: r.outcome });
    if (r.outcome === 'succeeded') {
      deps.metrics.merchantEventDeliveryLatency.observe((Date.now() - new Date(r.delivery.event_created_at).getTime()) / 1000);
    }
    writing ??= writeOutcomes().finally(() => (writing = undefined));
  }

  async function deliver(d: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify(eventPayload({ id: d.event_id, type: d.event_type, created_at: d.event_created_at, snapshot: d.snapshot }));
    const startedAt = new Date();
    const headers = signedHeaders(d.secrets, d.event_id, Math.floor(startedAt.getTime() / 1000), body);
    const result = await deps.sender.attempt(d.url, { ...headers }, body).catch((err: Error) => ({
      outcome: 'network_error' as const,
      status: null,
      detail: err.message,
      durationMs: Date.now() - startedAt.getTime(),
    }));
    recordOutcome({ delivery: d, outcome: result.outcome, status: result.status, detail: result.detail, durationMs: result.durationMs, startedAt });
  }

  function start(d: ClaimedDelivery): void {
    inFlight += 1;
    perEndpoint.set(d.endpoint_id, (perEndpoint.get(d.endpoint_id) ?? 0) + 1);
    const p = deliver(d).finally(() => {
      inFlight -= 1;
      const n = (perEndpoint.get(d.endpoint_id) ?? 1) - 1;
      if (n > 0) perEndpoint.set(d.endpoint_id, n);
      else perEndpoint.delete(d.endpoint_id);
      attempts.delete(p);
      finished += 1;
      dispatch();
      wake?.();
    });
    attempts.add(p);
  }

  /** Starts ready deliveries while there are slots, overall and per endpoint. */
  function dispatch(): void {
    if (stopped) return;
    for (const [id, queue] of ready) {
      while (queue.length && inFlight < s.concurrency && (perEndpoint.get(id) ?? 0) < s.perEndpointConcurrency) {
        start(queue.shift()!);
        readyCount -= 1;
      }
      if (!queue.length) ready.delete(id);
      if (inFlight >= s.concurrency) return;
    }
  }

  /** One claim: returns how many deliveries it claimed (started now or ready for a slot). */
  async function claimOnce(): Promise<number> {
    const room = 2 * s.concurrency - inFlight - readyCount;
    if (room <= 0) return 0;
    const claimed = await deps.queue.claim(room, leaseMs, 2 * s.perEndpointConcurrency, heldPerEndpoint());
    for (const d of claimed) {
      const queue = ready.get(d.endpoint_id) ?? [];
      queue.push(d);
      ready.set(d.endpoint_id, queue);
      readyCount += 1;
    }
    dispatch();
    return claimed.length;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let claimed = 0;
      const finishedBefore = finished;
      try {
        claimed = await claimOnce();
      } catch (err) {
        deps.log.error({ event: 'merchant_events.claim_failed', err }, 'claiming event deliveries failed');
        deps.onFailure(err);
      }
      // Something claimed, with room left: more may be due, go again at once. Otherwise wait for
      // the next poll or a slot to free up (unless one already did during the claim).
      const idle = claimed === 0 || inFlight + readyCount >= 2 * s.concurrency;
      if (idle && finished === finishedBefore) await sleep(s.pollIntervalMs);
    }
  }

  async function refreshGauges(): Promise<void> {
    try {
      const { oldestPendingSeconds, endpoints } = await deps.queue.backlog();
      deps.metrics.merchantEventOldestUndelivered.set(oldestPendingSeconds);
      for (const [state, n] of Object.entries(endpoints)) deps.metrics.merchantWebhookEndpoints.set({ state: state as keyof typeof endpoints }, n);
    } catch (err) {
      deps.log.error({ event: 'merchant_events.gauges_failed', err }, 'reading the event backlog failed');
    }
  }
  let gaugeTimer: NodeJS.Timeout | undefined;

  return {
    claimOnce,
    refreshGauges,
    /** Waits until every attempt started has been recorded (tests, shutdown). */
    async drain(): Promise<void> {
      while (attempts.size || writing) await Promise.all([...attempts, writing]);
    },
    start(): void {
      if (!stopped) return;
      stopped = false;
      pump = loop();
      void refreshGauges();
      gaugeTimer = setInterval(() => void refreshGauges(), GAUGES_EVERY_MS).unref();
    },
    /**
     * Stops claiming, hands back what was claimed but not started (due again at once, for any
     * replica), lets attempts in flight finish (each bounded by the timeout) and records them.
     */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(gaugeTimer);
      wake?.();
      await pump;
      const unstarted = [...ready.values()].flat();
      ready.clear();
      readyCount = 0;
      if (unstarted.length) {
        await deps.queue.release(unstarted.map((d) => d.delivery_id)).catch((err: unknown) => {
          deps.log.error({ event: 'merchant_events.release_failed', err }, 'handing back claimed deliveries failed (retried after their lease)');
        });
      }
      await this.drain();
      deps.sender.close();
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
