/**
 * Wires payouts (repository, settlement, creation) as `fastify.payouts`, and runs their
 * reconciler in every replica once the server listens, stopping it before the database closes.
 */
import fp from 'fastify-plugin';
import { createPayoutCreator, type PayoutCreator } from '../../payouts/create-payout.ts';
import { createPayoutRepository, type PayoutRepository } from '../../payouts/repository.ts';
import { createPayoutSettler, type PayoutSettler } from '../../payouts/settle.ts';
import { createPayoutReconciler, type PayoutReconciler } from '../../reconciler/payout-reconciler.ts';
import type { Config } from '../../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    payouts: {
      repo: PayoutRepository;
      settler: PayoutSettler;
      create: PayoutCreator;
      reconciler: PayoutReconciler;
    };
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const repo = createPayoutRepository(app.db, config.idempotencyTtlHours);
    const settler = createPayoutSettler({
      db: app.db,
      payouts: repo,
      reviews: app.payments.reviews,
      metrics: app.serviceMetrics,
      log: app.log.child({ component: 'payouts' }),
      onReview: (item) => app.alerting.reviewOpened(item, undefined),
    });
    // Longer than the longest transfer call, so a live first attempt is never taken over.
    const staleInFlightMs = config.feexpay.requestTimeoutMs + 30_000;
    const create = createPayoutCreator({
      payouts: repo,
      settler,
      feexpay: app.feexpayPayouts,
      metrics: app.serviceMetrics,
      dailyCap: config.payouts.dailyCap,
      timing: { firstCheckAfterMs: config.reconciler.firstCheckAfterMs, staleInFlightMs },
    });
    const reconciler = createPayoutReconciler({
      payouts: repo,
      settler,
      feexpay: app.feexpayPayouts,
      metrics: app.serviceMetrics,
      log: app.log.child({ component: 'payout-reconciler' }),
      settings: config.reconciler,
      leaseMs: config.feexpay.statusTimeoutMs * 2 + 5_000,
      staleInFlightMs,
      onFailure: (err) => app.alerting.reconcilerFailure(err),
    });
    app.decorate('payouts', { repo, settler, create, reconciler });
    if (config.reconciler.enabled) app.addHook('onListen', async () => reconciler.start());
    app.onDrain(() => reconciler.stop());
  },
  { name: 'payouts', dependencies: ['db', 'metrics', 'feexpay', 'alerting', 'payments', 'drain'] },
);
