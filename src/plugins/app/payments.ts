/** Wires the payment core (every payment statement, settlement, creation, webhook, operator actions) as `fastify.payments`. */
import fp from 'fastify-plugin';
import { createPaymentRepository, type PaymentRepository } from '../../payments/repository.ts';
import { createDeliveries, type Deliveries } from '../../payments/deliveries.ts';
import { createReviewItems, type ReviewItems } from '../../payments/review-items.ts';
import { createSettler, type Settler } from '../../payments/settle.ts';
import { createPaymentCreator, type PaymentCreator } from '../../payments/create-payment.ts';
import { createOperatorActions, type OperatorActions } from '../../payments/operator-actions.ts';
import { createWebhookHandler } from '../../webhooks/feexpay-webhook.ts';
import type { Config } from '../../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    payments: {
      repo: PaymentRepository;
      deliveries: Deliveries;
      reviews: ReviewItems;
      settler: Settler;
      create: PaymentCreator;
      handleWebhook: ReturnType<typeof createWebhookHandler>;
      operators: OperatorActions;
    };
  }
}

export interface PaymentsPluginOptions {
  config: Config;
}

export default fp<PaymentsPluginOptions>(
  async (app, { config }) => {
    const repo = createPaymentRepository(app.db, config.idempotencyTtlHours, (statement, rows) => app.serviceMetrics.batchedStatementRows.observe({ statement }, rows));
    const deliveries = createDeliveries(app.db);
    const reviews = createReviewItems(app.db);
    const settler = createSettler({
      db: app.db,
      payments: repo,
      reviews,
      metrics: app.serviceMetrics,
      log: app.log.child({ component: 'payments' }),
      onFinished: (row) => app.alerting.paymentFinished(row),
      onReview: (item, p) => app.alerting.reviewOpened(item, p),
    });
    const create = createPaymentCreator({
      payments: repo,
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
    const handleWebhook = createWebhookHandler({ payments: repo, deliveries, settler, feexpay: app.feexpay, metrics: app.serviceMetrics });
    const operators = createOperatorActions({ payments: repo, reviews, settler, feexpay: app.feexpay, db: app.db });
    app.decorate('payments', { repo, deliveries, reviews, settler, create, handleWebhook, operators });
  },
  { name: 'payments', dependencies: ['db', 'metrics', 'feexpay', 'alerting', 'rate-limit'] },
);
