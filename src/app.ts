/** The application as one plugin: infrastructure plugins first, then ours, then routes. */
import type { FastifyPluginAsync } from 'fastify';
import type { Knex } from 'knex';
import type { Config } from './config.ts';
import { serverErrorContext } from './observability/sentry.ts';
import db from './plugins/external/db.ts';
import metrics from './plugins/external/metrics.ts';
import loadShedding from './plugins/external/load-shedding.ts';
import rateLimit from './plugins/external/rate-limit.ts';
import drain from './plugins/external/drain.ts';
import securityHeaders from './plugins/external/security-headers.ts';
import swagger from './plugins/external/swagger.ts';
import errors from './plugins/app/errors.ts';
import requestId from './plugins/app/request-id.ts';
import alerting from './plugins/app/alerting.ts';
import auth from './plugins/app/auth.ts';
import feexpay from './plugins/app/feexpay.ts';
import payments from './plugins/app/payments.ts';
import reconciler from './plugins/app/reconciler.ts';
import payouts from './plugins/app/payouts.ts';
import payoutRoutes from './routes/v1/payouts.ts';
import networkSettings from './plugins/app/network-settings.ts';
import health from './routes/health.ts';
import paymentRoutes from './routes/v1/payments.ts';
import webhookRoutes from './routes/v1/webhooks.ts';
import paymentOtpRoutes from './routes/v1/payment-otp.ts';
import feesRoutes from './routes/v1/fees.ts';
import merchantEvents from './plugins/app/merchant-events.ts';
import webhookEndpointRoutes from './routes/v1/webhook-endpoints.ts';
import eventRoutes from './routes/v1/events.ts';

export interface AppOptions {
  config: Config;
  /** Tests pass their own database handle (own schema); it is not closed with the app. */
  db?: Knex;
}

const app: FastifyPluginAsync<AppOptions> = async (fastify, { config, db: dbHandle }) => {
  await fastify.register(securityHeaders);
  await fastify.register(drain);
  await fastify.register(errors, { reportServerError: (err, req) => fastify.alerting.serverError(err, serverErrorContext(req, 500)) });
  await fastify.register(requestId);
  await fastify.register(db, {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
    migrate: config.migrateOnStart,
    timeouts: config.database,
    startTimeoutMs: config.databaseStartTimeoutMs,
    db: dbHandle,
  });
  await fastify.register(metrics, { exposeRoute: config.metricsPort === null });
  // Before every route, after the database's start-up (migrations would read as overload).
  await fastify.register(loadShedding, { settings: config.loadShedding });
  await fastify.register(rateLimit, {
    redisUrl: config.redisUrl,
    perPhonePerHour: config.rateLimit.perPhonePerHour,
    authFailuresPer15Min: config.rateLimit.authFailuresPer15Min,
  });
  await fastify.register(swagger);
  await fastify.register(alerting, { config });
  await fastify.register(auth, { cacheTtlMs: config.apiKeyCacheTtlMs });
  await fastify.register(feexpay, { feexpay: config.feexpay, webhookToken: config.webhookToken });
  await fastify.register(payments, { config });
  await fastify.register(networkSettings, { config });
  await fastify.register(reconciler, { config });
  await fastify.register(payouts, { config });
  await fastify.register(merchantEvents, { config });

  await fastify.register(health);
  await fastify.register(paymentRoutes, { prefix: '/v1', config });
  await fastify.register(paymentOtpRoutes, { prefix: '/v1', config });
  await fastify.register(feesRoutes, { prefix: '/v1', config });
  await fastify.register(payoutRoutes, { prefix: '/v1', config });
  await fastify.register(webhookRoutes, { prefix: '/v1', webhookToken: config.webhookToken });
  await fastify.register(webhookEndpointRoutes, { prefix: '/v1', config });
  await fastify.register(eventRoutes, { prefix: '/v1', config });
  await fastify.register(import('./routes/admin/index.ts'), { prefix: '/admin', config });
};

export default app;
