/**
 * Configuration, only from environment variables, validated once at start. A wrong value stops
 * the start with a message naming the variable, rather than failing later on a payment. One
 * entry, loadConfig; the settings are read by area in src/config/ (env.ts holds the readers).
 *
 * Hand-written rather than @fastify/env: several settings depend on others (the embedded
 * database is refused with a live FeexPay key, WEBHOOK_TOKEN and private merchant endpoints
 * default from FEEXPAY_API_KEY, the statement timeout from the query timeout), some are small
 * languages of their own (TRUST_PROXY, PAYOUT_DAILY_CAP, NETWORK_SETTINGS, a Sentry DSN), every
 * refusal names its variable in plain words, and the commands (src/cli) read the same settings
 * without a Fastify instance.
 */
import type { NetworkSettings } from './domain/network-settings.ts';
import type { CollectionPath } from './feexpay/types.ts';
import { databaseSettings, type DatabaseTimeouts } from './config/database.ts';
import type { Env } from './config/env.ts';
import { feexpayAccount, feexpaySettings, networkSettings } from './config/feexpay.ts';
import { httpSettings } from './config/http.ts';
import { loadShedding, rateLimitSettings, type LoadSheddingConfig } from './config/limits.ts';
import { merchantEventSettings, type MerchantEventsConfig } from './config/merchant-events.ts';
import { logSettings, notifySettings, sentryDsn } from './config/observability.ts';
import { operatorSettings } from './config/operators.ts';
import { caps, idempotencyTtlHours, reconcilerSettings } from './config/payments.ts';

export { ConfigError } from './config/env.ts';
export { trustProxyOption } from './config/http.ts';
export { LOG_LEVELS } from './config/observability.ts';
export type { DatabaseTimeouts, LoadSheddingConfig, MerchantEventsConfig };

export interface Config {
  port: number;
  host: string;
  metricsPort: number | null;
  dataDir: string;
  databaseUrl: string | null;
  databasePoolMax: number;
  /** Bounds on every database call, so a silent server gives a 503 in seconds rather than a hang. */
  database: DatabaseTimeouts;
  /** How long the start waits for an unreachable DATABASE_URL before it gives up and exits. */
  databaseStartTimeoutMs: number;
  /** The embedded database was asked for where production is meant (NODE_ENV, a live FeexPay key). */
  allowEmbeddedDatabase: boolean;
  /** Which hops may set X-Forwarded-For: false (none), a hop count, or addresses / CIDR ranges. */
  trustProxy: false | number | string[];
  /** How long a found API key is trusted without asking the database again (a disabled key's bound). */
  apiKeyCacheTtlMs: number;
  /** Run knex migrations at start (Kubernetes runs them in an init container instead). */
  migrateOnStart: boolean;
  redisUrl: string | null;
  feexpay: {
    /** null: no account configured, the in-process simulator answers and no money moves. */
    apiKey: string | null;
    shopId: string;
    baseUrl: string | null;
    requestTimeoutMs: number;
    statusTimeoutMs: number;
    /** FEEXPAY_COLLECTION_PATH: `integration` (the current official SDK's) or `per_operator`. */
    collectionPath: CollectionPath;
  };
  /** Per-operator limits and maintenance (NETWORK_SETTINGS, NETWORK_MAINTENANCE); /admin may override. */
  networks: NetworkSettings;
  webhookToken: string;
  reconciler: {
    enabled: boolean;
    intervalMs: number;
    /** A payment is first checked this long after creation (the webhook usually comes first). */
    firstCheckAfterMs: number;
    maxBackoffMs: number;
    /** Past this age a payment still pending at its final check becomes expired. */
    deadlineMs: number;
    /** Past the deadline, how long FeexPay's status endpoint may stay unusable before the payment goes to review. */
    unavailableGraceMs: number;
    /** After expiry, FeexPay is asked again this long later, and once more a day after expiry, for late successes. */
    lateCheckAfterMs: number;
    batchSize: number;
  };
  payouts: {
    /** Most a merchant may pay out per UTC day, by currency, unless its own row says otherwise. */
    dailyCap: Record<'XOF' | 'XAF', number>;
  };
  rateLimit: { perKeyPerMinute: number; perPhonePerHour: number; authFailuresPer15Min: number };
  idempotencyTtlHours: number;
  logLevel: string;
  logDir: string | null;
  notify: {
    smtpUrl: string | null;
    emailFrom: string;
    emailTo: string[];
    slackWebhookUrl: string | null;
  };
  adminPassword: string | null;
  /** Operators' views: admin dashboard login, weekly reports, log archive. */
  operators: {
    adminUser: string;
    reportsDir: string;
    /** null: `<LOG_DIR>/archive`. */
    logArchiveDir: string | null;
    logRetentionDays: number;
    prometheusUrl: string | null;
    alertmanagerUrl: string | null;
  };
  merchantEvents: MerchantEventsConfig;
  loadShedding: LoadSheddingConfig;
}

export function loadConfig(env: Env = process.env): Config {
  const account = feexpayAccount(env);
  sentryDsn(env, 'SENTRY_DSN');
  const database = databaseSettings(env, account.apiKey);
  return {
    ...httpSettings(env),
    ...database,
    feexpay: feexpaySettings(env, account),
    networks: networkSettings(env),
    webhookToken: account.webhookToken,
    reconciler: reconcilerSettings(env),
    payouts: { dailyCap: caps(env, 'PAYOUT_DAILY_CAP', 1_000_000) },
    rateLimit: rateLimitSettings(env),
    idempotencyTtlHours: idempotencyTtlHours(env),
    ...logSettings(env),
    notify: notifySettings(env),
    ...operatorSettings(env),
    merchantEvents: merchantEventSettings(env, account.apiKey),
    loadShedding: loadShedding(env),
  };
}
