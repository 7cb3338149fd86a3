/** Runs the reconciler in every replica once the server listens, and stops it when the drain begins (before the database closes). */
import fp from 'fastify-plugin';
import { createReconciler, type Reconciler } from '../../reconciler/reconciler.ts';
import type { Config } from '../../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    reconciler: Reconciler;
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const reconciler = createReconciler({
      payments: app.payments.repo,
      deliveries: app.payments.deliveries,
      reviews: app.payments.reviews,
      settler: app.payments.settler,
      feexpay: app.feexpay,
      metrics: app.serviceMetrics,
      log: app.log.child({ component: 'reconciler' }),
      settings: config.reconciler,
      leaseMs: config.feexpay.statusTimeoutMs * 2 + 5_000,
      onFailure: (err) => app.alerting.reconcilerFailure(err),
    });
    app.decorate('reconciler', reconciler);
    if (config.reconciler.enabled) app.addHook('onListen', async () => reconciler.start());
    app.onDrain(() => reconciler.stop());
  },
  { name: 'reconciler', dependencies: ['payments', 'drain'] },
);
