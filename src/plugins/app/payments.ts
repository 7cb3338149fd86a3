/** Wires the payment core (repository, idempotency, settlement, creation, webhook) as `fastify.payments`. */
import fp from 'fastify-plugin';
import { createPaymentRepository, type PaymentRepository } from '../../payments/repository.ts';
import { createIdempotencyStore, type IdempotencyStore } from '../../payments/idempotency.ts';
import { createSettler, type Settler } from '../../payments/settle.ts';
import { createPaymentCreator, type PaymentCreator } from '../../payments/create-payment.ts';
import { createWebhookHandler } from '../../webhooks/feexpay-webhook.ts';
import type { Config } from '../../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    payments: {
      repo: PaymentRepository;
      idempotency: IdempotencyStore;
      settler: Settler;
      create: PaymentCreator;
      handleWebhook: ReturnType<typeof createWebhookHandler>;
    };
  }
}

export interface PaymentsPluginOptions {
  config: Config;
}

export default fp<PaymentsPluginOptions>(
  async (app, { config }) => {
    const repo = createPaymentRepository(app.db);
    const idempotency = createIdempotencyStore(app.db, repo, config.idempotencyTtlHours);
    const settler = createSettler({
      db: app.db,
      payments: repo,
      metrics: app.serviceMetrics,
      log: app.log.child({ component: 'payments' }),
      onFinished: (row) => app.alerting.paymentFinished(row),
      onAnomaly: (message, p) => app.alerting.feexpayAnomaly(message, { paymentId: p.id, network: p.network }),
    });
    const create = createPaymentCreator({
      payments: repo,
      idempotency,
      settler,
      feexpay: app.feexpay,
      metrics: app.serviceMetrics,
      timing: {
        firstCheckAfterMs: config.reconciler.firstCheckAfterMs,
        deadlineMs: config.reconciler.deadlineMs,
        // Longer than the longest request-to-pay call, so a live first attempt is never taken over.
        staleInFlightMs: config.feexpay.requestTimeoutMs + 30_000,
      },
      onFeexPayAnomaly: (message, ctx) => app.alerting.feexpayAnomaly(message, ctx),
      phoneQuota: app.phoneQuota,
    });
    const handleWebhook = createWebhookHandler({
      db: app.db,
      payments: repo,
      settler,
      feexpay: app.feexpay,
      metrics: app.serviceMetrics,
      onAnomaly: (message, p) => app.alerting.feexpayAnomaly(message, { paymentId: p.id, network: p.network }),
    });
    app.decorate('payments', { repo, idempotency, settler, create, handleWebhook });
  },
  { name: 'payments', dependencies: ['db', 'metrics', 'feexpay', 'alerting', 'rate-limit'] },
);
