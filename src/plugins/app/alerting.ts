/**
 * One place where the service raises its own alarms: Sentry for errors and anomalies, email and
 * Slack (throttled, deduplicated) for what a person must know now, and the log-disk gauge.
 * Callers say what happened, not where it goes.
 */
import fp from 'fastify-plugin';
import type { PaymentRow } from '../../payments/repository.ts';
import type { ReviewItemRow } from '../../payments/review-items.ts';
import { MONEY_AT_RISK_CAUSES } from '../../domain/payment-status.ts';
import type { Config } from '../../config.ts';
import { createNotifier, DEFAULT_MAX_PER_HOUR, DEFAULT_WINDOW_MS } from '../../notify/notifier.ts';
import { createRedisThrottle } from '../../notify/shared-throttle.ts';
import { SuccessRateWatch } from '../../notify/success-rate.ts';
import { captureFeexPayAnomaly, captureReconcilerFailure, captureServerError, sentryFastifyPlugin, type ServerErrorContext } from '../../observability/sentry.ts';
import { logDiskUsageRatio } from '../../observability/disk.ts';

export interface Alerting {
  serverError(err: unknown, ctx: ServerErrorContext & Record<string, unknown>): void;
  feexpayAnomaly(message: string, ctx: { paymentId: string; network: string }): void;
  reconcilerFailure(err: unknown): void;
  paymentFinished(row: PaymentRow): void;
  reviewOpened(item: ReviewItemRow, payment: PaymentRow | undefined): void;
  /** A merchant's webhook endpoint failed for days and was disabled: someone should tell the merchant. */
  merchantEndpointDisabled(endpoint: { id: string; merchant_id: string }): void;
  /** The event delivery worker could not claim or record deliveries (usually the database). */
  merchantEventsFailure(err: unknown): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    alerting: Alerting;
  }
}

const DISK_EVERY_MS = 30_000;

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const log = app.log.child({ component: 'alerting' });
    // The error handler reports 5xx through serverError; the plugin here only traces sampled requests.
    await app.register(sentryFastifyPlugin, { captureErrors: false });

    const { smtpUrl, emailFrom, emailTo, slackWebhookUrl } = config.notify;
    const notifier = createNotifier({
      email: smtpUrl && emailTo.length ? { smtpUrl, from: emailFrom, to: emailTo } : undefined,
      slack: slackWebhookUrl ? { webhookUrl: slackWebhookUrl } : undefined,
      log,
      onOutcome: (channel, result) => app.serviceMetrics.notifications.inc({ channel, result }),
      // With REDIS_URL every replica shares one throttle; without it each throttles alone.
      shared: app.redis ? createRedisThrottle(app.redis, { windowMs: DEFAULT_WINDOW_MS, maxPerHour: DEFAULT_MAX_PER_HOUR }) : undefined,
    });
    const successRate = new SuccessRateWatch({ notifier });
    app.addHook('onClose', async () => notifier.close());

    if (config.logDir) {
      const dir = config.logDir;
      const measure = () =>
        logDiskUsageRatio(dir).then(
          (ratio) => ratio !== null && app.serviceMetrics.logDiskUsage.set(ratio),
          () => undefined,
        );
      const timer = setInterval(() => void measure(), DISK_EVERY_MS).unref();
      app.addHook('onReady', async () => void measure());
      app.addHook('onClose', async () => clearInterval(timer));
    }

    app.decorate<Alerting>('alerting', {
      serverError: (err, ctx) => {
        captureServerError(err, ctx);
        notifier.notify({
          fingerprint: `server-error:${ctx.route ?? 'unknown'}`,
          severity: 'critical',
          title: 'Server error in the payment API',
          text: `An unexpected error answered 500 on ${ctx.route ?? 'an unknown route'}: ${(err as Error)?.message ?? String(err)}`,
        });
      },
      feexpayAnomaly: (message, ctx) => {
        log.error({ ...ctx }, message);
        captureFeexPayAnomaly(message, ctx);
        notifier.notify({
          fingerprint: `feexpay-anomaly:${message}`,
          severity: 'warning',
          title: 'FeexPay anomaly',
          text: `${message} (payment ${ctx.paymentId}, ${ctx.network})`,
        });
      },
      reconcilerFailure: (err) => {
        captureReconcilerFailure(err);
        notifier.notify({ fingerprint: 'reconciler-failure', severity: 'critical', title: 'Reconciler failing', text: (err as Error)?.message ?? String(err) });
      },
      paymentFinished: (row) => successRate.record(row.status === 'successful'),
      reviewOpened: (item, payment) => {
        const atRisk = MONEY_AT_RISK_CAUSES.includes(item.cause);
        const ctx = { paymentId: item.payment_id ?? item.payout_id ?? 'none', network: payment?.network ?? 'unknown' };
        const subject = item.payout_id ? 'payout' : 'payment';
        captureFeexPayAnomaly(`review item: ${item.cause}`, ctx);
        // One message per cause and hour, not per payment: an outage can send hundreds to review.
        notifier.notify({
          fingerprint: `review:${item.cause}`,
          severity: atRisk ? 'critical' : 'warning',
          title: atRisk ? 'FeexPay reports money on a closed payment' : 'Payments need review',
          text: `A review item (${item.cause}) was opened for ${subject} ${ctx.paymentId}. Resolve it in /admin (Review).`,
        });
      },
      merchantEndpointDisabled: (endpoint) =>
        notifier.notify({
          fingerprint: `merchant-endpoint-disabled:${endpoint.id}`,
          severity: 'warning',
          title: 'Merchant webhook endpoint disabled',
          text: `Every delivery to webhook endpoint ${endpoint.id} (merchant ${endpoint.merchant_id}) failed for days; it is disabled and its pending events are marked failed. Tell the merchant.`,
        }),
      merchantEventsFailure: (err) => {
        captureReconcilerFailure(err, { worker: 'merchant_events' });
        notifier.notify({ fingerprint: 'merchant-events-failure', severity: 'critical', title: 'Merchant event delivery failing', text: (err as Error)?.message ?? String(err) });
      },
    });
  },
  { name: 'alerting', dependencies: ['metrics', 'rate-limit'] },
);
