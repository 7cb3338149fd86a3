/**
 * Configuration, only from environment variables, validated once at start. A wrong value stops
 * the start with a message naming the variable, rather than failing later on a payment.
 */
import net from 'node:net';
import path from 'node:path';
import v8 from 'node:v8';
import { COLLECTION_PATHS, type CollectionPath } from './feexpay/types.ts';
import { NetworkSettingsError, parseNetworkSettings, type NetworkSettings } from './domain/network-settings.ts';
import { SIMULATOR_DEFAULT_API_KEY } from './feexpay/simulator/options.ts';

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

/** When the service answers 503 `overloaded` instead of taking more work (0 turns a bound off). */
export interface LoadSheddingConfig {
  /** Mean event loop delay over one sample above which requests are shed. */
  maxEventLoopDelayMs: number;
  /** V8 heap in use above which requests are shed. */
  maxHeapUsedBytes: number;
  /** Resident memory above which requests are shed. */
  maxRssBytes: number;
  /** How often the loop delay and memory are sampled. */
  sampleIntervalMs: number;
  /** The Retry-After of a shed request. */
  retryAfterSeconds: number;
}

/** Delivery of merchant events (signed webhooks to the merchants' endpoints). */
export interface MerchantEventsConfig {
  /** Seconds to wait before each retry; attempts = length + 1. */
  retryScheduleSeconds: number[];
  timeoutMs: number;
  /** http and private/loopback addresses allowed (the simulator's default: a developer's localhost). */
  allowPrivate: boolean;
  maxEndpointsPerMerchant: number;
  /** How long a rotated-out secret keeps signing beside the new one. */
  secretOverlapSeconds: number;
  /** An endpoint whose every attempt has failed for this long is disabled. */
  disableAfterSeconds: number;
  workerEnabled: boolean;
  pollIntervalMs: number;
  /** Attempts in flight per replica, and per endpoint within them (a slow endpoint holds only its share). */
  concurrency: number;
  perEndpointConcurrency: number;
}

export interface DatabaseTimeouts {
  /** Server side: PostgreSQL cancels a statement running longer (statement_timeout). */
  statementTimeoutMs: number;
  /** Client side: no answer in this time and the connection is dropped (covers a silent network). */
  queryTimeoutMs: number;
  /** A new connection must be ready (TCP and start-up) within this. */
  connectTimeoutMs: number;
  /** Longest wait for a free pool connection. */
  acquireTimeoutMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

function optional(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v === '' ? null : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = optional(env, name);
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  }
  return raw;
}

/** `XOF=1000000,XAF=500000`: a cap per currency; a currency left out keeps its default. */
function caps(env: Env, name: string, fallback: number): Record<'XOF' | 'XAF', number> {
  const out = { XOF: fallback, XAF: fallback };
  for (const part of str(env, name, '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(XOF|XAF)=(\d{1,15})$/.exec(part);
    if (!m) throw new ConfigError(name, `must look like XOF=1000000,XAF=1000000, got "${part}"`);
    out[m[1] as 'XOF' | 'XAF'] = Number(m[2]);
  }
  return out;
}

function networkSettings(env: Env): NetworkSettings {
  try {
    return parseNetworkSettings(env.NETWORK_SETTINGS, env.NETWORK_MAINTENANCE);
  } catch (err) {
    // The message starts with the variable (and the key inside it): "NETWORK_SETTINGS.mtn.min must ...".
    if (err instanceof NetworkSettingsError) {
      const [variable = 'NETWORK_SETTINGS', ...problem] = err.message.split(' ');
      throw new ConfigError(variable, problem.join(' '));
    }
    throw err;
  }
}

/** An address or a name to listen on: an IPv4/IPv6 literal, or a host name (resolved at listen). */
function host(env: Env, name: string, fallback: string): string {
  const raw = str(env, name, fallback);
  if (net.isIP(raw)) return raw;
  // Dotted digits that are not an IPv4 address (999.1.1.1) would be looked up as a name and fail late.
  if (/^[\d.]+$/.test(raw) || !/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(raw)) {
    throw new ConfigError(name, `must be an IP address or a host name, got "${raw}"`);
  }
  return raw;
}

// proxy-addr's names for the usual private ranges, accepted as they are.
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_NAMES.has(entry) || net.isIP(entry)) return true;
  const [addr, bits, ...rest] = entry.split('/');
  if (rest.length || addr === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = net.isIP(addr);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Off unless set: with it on, the client address (rate limits, logs) is read from X-Forwarded-For,
 * which any client can write; only the hops in front of the service may be believed.
 */
function trustProxy(env: Env, name: string): false | number | string[] {
  const raw = optional(env, name);
  if (raw === null || ['false', '0', 'no', 'off'].includes(raw)) return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError(name, `hop count must be between 0 and 10, got ${hops}`);
    return hops;
  }
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.find((e) => !isAddressOrCidr(e));
  if (raw === 'true' || bad !== undefined || entries.length === 0) {
    throw new ConfigError(name, `must be false, a hop count (1) or a list of addresses / CIDR ranges (10.0.0.0/8,127.0.0.1), got "${bad ?? raw}"`);
  }
  return entries;
}

/**
 * Fastify's form of TRUST_PROXY. A hop count becomes a function: Fastify's own numeric setting
 * trusts no hop at all (it cannot check the nearest peer), which would make the setting a no-op.
 */
export function trustProxyOption(setting: Config['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

/** A Sentry DSN: https://<public key>@<host>/<project id>. A wrong one would leave Sentry silently off. */
function sentryDsn(env: Env, name: string): void {
  const raw = optional(env, name)?.trim();
  if (!raw) return;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a Sentry DSN (https://<key>@<host>/<project id>)');
  }
  if (!['https:', 'http:'].includes(parsed.protocol) || !parsed.username || !/^\/(.*\/)?\d+$/.test(parsed.pathname)) {
    throw new ConfigError(name, 'must be a Sentry DSN (https://<key>@<host>/<project id>)');
  }
}

function secondsList(env: Env, name: string, fallback: string): number[] {
  const raw = str(env, name, fallback);
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.length > 20 || parts.some((p) => !/^\d{1,6}$/.test(p))) {
    throw new ConfigError(name, `must be up to 20 comma-separated whole numbers of seconds, got "${raw}"`);
  }
  return parts.map(Number);
}

const MB = 1024 * 1024;

/**
 * Sheds at a mean loop delay of 1 s (every request then waits that long before its first line
 * runs), and at 90% of V8's heap limit, before the heap runs out and the process dies with every
 * request in flight. Resident memory has no default bound: the container's limit is not known here.
 */
function loadShedding(env: Env): LoadSheddingConfig {
  const heapLimitMb = Math.floor(v8.getHeapStatistics().heap_size_limit / MB);
  return {
    maxEventLoopDelayMs: int(env, 'LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS', 1_000, 0, 60_000),
    maxHeapUsedBytes: int(env, 'LOAD_SHED_MAX_HEAP_USED_MB', Math.floor(heapLimitMb * 0.9), 0, 1_048_576) * MB,
    maxRssBytes: int(env, 'LOAD_SHED_MAX_RSS_MB', 0, 0, 1_048_576) * MB,
    sampleIntervalMs: int(env, 'LOAD_SHED_SAMPLE_INTERVAL_MS', 1_000, 10, 60_000),
    retryAfterSeconds: int(env, 'LOAD_SHED_RETRY_AFTER_SECONDS', 10, 1, 3_600),
  };
}

const FEEXPAY_KEY = /^fp_[A-Za-z0-9]{64}$/;
const DEFAULT_FEEXPAY_BASE_URL = 'https://api-v2.feexpay.me';

export function loadConfig(env: Env = process.env): Config {
  const apiKey = optional(env, 'FEEXPAY_API_KEY');
  if (apiKey !== null && !FEEXPAY_KEY.test(apiKey)) {
    throw new ConfigError('FEEXPAY_API_KEY', 'must be "fp_" followed by 64 letters or digits');
  }
  const shopId = str(env, 'FEEXPAY_SHOP_ID', '');
  if (apiKey !== null && !/^[A-Za-z0-9]{10,40}$/.test(shopId)) {
    throw new ConfigError('FEEXPAY_SHOP_ID', 'is required with FEEXPAY_API_KEY (letters and digits)');
  }
  const webhookToken = str(env, 'WEBHOOK_TOKEN', apiKey === null ? 'dev-webhook-token' : '');
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(webhookToken)) {
    throw new ConfigError('WEBHOOK_TOKEN', 'must be 16 to 128 URL-safe characters (required with FEEXPAY_API_KEY)');
  }
  sentryDsn(env, 'SENTRY_DSN');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const allowEmbeddedDatabase = bool(env, 'ALLOW_EMBEDDED_DATABASE', false);
  // The embedded database is one process's private file: fine for a demo, not where money moves.
  // The simulator's well-known key moves no money (compose, tests); any other key is FeexPay's.
  const liveKey = apiKey !== null && apiKey !== SIMULATOR_DEFAULT_API_KEY;
  if (databaseUrl === null && !allowEmbeddedDatabase && (env.NODE_ENV === 'production' || liveKey)) {
    throw new ConfigError(
      'DATABASE_URL',
      `is required ${liveKey ? 'with a live FEEXPAY_API_KEY' : 'when NODE_ENV=production'} (set ALLOW_EMBEDDED_DATABASE=true to run on the embedded database anyway)`,
    );
  }
  const queryTimeoutMs = int(env, 'DATABASE_QUERY_TIMEOUT_MS', 5_000, 100, 600_000);
  const emailTo = str(env, 'ALERT_EMAIL_TO', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: host(env, 'HOST', '0.0.0.0'),
    metricsPort: env.METRICS_PORT ? int(env, 'METRICS_PORT', 9091, 0, 65535) : null,
    dataDir: path.resolve(str(env, 'DATA_DIR', './data')),
    databaseUrl,
    databasePoolMax: int(env, 'DATABASE_POOL_MAX', 10, 1, 200),
    database: {
      // Below the client's bound by default, so PostgreSQL cancels a slow statement cleanly first.
      statementTimeoutMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', Math.max(100, queryTimeoutMs - 1_000), 100, 600_000),
      queryTimeoutMs,
      connectTimeoutMs: int(env, 'DATABASE_CONNECT_TIMEOUT_MS', 3_000, 100, 60_000),
      acquireTimeoutMs: int(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', 4_000, 100, 60_000),
    },
    databaseStartTimeoutMs: int(env, 'DATABASE_START_TIMEOUT_MS', 60_000, 0, 3_600_000),
    allowEmbeddedDatabase,
    trustProxy: trustProxy(env, 'TRUST_PROXY'),
    apiKeyCacheTtlMs: int(env, 'API_KEY_CACHE_TTL_MS', 5_000, 0, 60_000),
    migrateOnStart: bool(env, 'MIGRATE_ON_START', true),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    feexpay: {
      apiKey,
      shopId: shopId || 'simulatorshop00',
      baseUrl: url(env, 'FEEXPAY_BASE_URL', ['https:', 'http:']) ?? (apiKey ? DEFAULT_FEEXPAY_BASE_URL : null),
      requestTimeoutMs: int(env, 'FEEXPAY_REQUEST_TIMEOUT_MS', 30_000, 100, 180_000),
      statusTimeoutMs: int(env, 'FEEXPAY_STATUS_TIMEOUT_MS', 10_000, 100, 60_000),
      collectionPath: oneOf(env, 'FEEXPAY_COLLECTION_PATH', COLLECTION_PATHS, 'integration'),
    },
    networks: networkSettings(env),
    webhookToken,
    reconciler: {
      enabled: bool(env, 'RECONCILER_ENABLED', true),
      intervalMs: int(env, 'RECONCILER_INTERVAL_MS', 5_000, 10, 600_000),
      firstCheckAfterMs: int(env, 'RECONCILE_AFTER_MS', 30_000, 0, 3_600_000),
      maxBackoffMs: int(env, 'RECONCILE_MAX_BACKOFF_MS', 600_000, 10, 86_400_000),
      deadlineMs: int(env, 'PAYMENT_DEADLINE_MS', 3_600_000, 100, 7 * 86_400_000),
      unavailableGraceMs: int(env, 'REVIEW_AFTER_UNAVAILABLE_MS', 3_600_000, 0, 7 * 86_400_000),
      lateCheckAfterMs: int(env, 'LATE_CHECK_AFTER_MS', 3_600_000, 1000, 86_400_000),
      batchSize: int(env, 'RECONCILER_BATCH_SIZE', 50, 1, 1000),
    },
    payouts: { dailyCap: caps(env, 'PAYOUT_DAILY_CAP', 1_000_000) },
    rateLimit: {
      perKeyPerMinute: int(env, 'RATE_LIMIT_PER_KEY_PER_MINUTE', 6000, 1, 1_000_000),
      perPhonePerHour: int(env, 'RATE_LIMIT_PER_PHONE_PER_HOUR', 10, 1, 10_000),
      authFailuresPer15Min: int(env, 'RATE_LIMIT_AUTH_FAILURES_PER_15_MIN', 20, 1, 100_000),
    },
    idempotencyTtlHours: int(env, 'IDEMPOTENCY_TTL_HOURS', 24, 24, 24 * 30),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logDir: optional(env, 'LOG_DIR'),
    notify: {
      smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
      emailFrom: str(env, 'ALERT_EMAIL_FROM', 'feexpay-gateway@localhost'),
      emailTo,
      slackWebhookUrl: url(env, 'SLACK_WEBHOOK_URL', ['https:', 'http:']),
    },
    adminPassword: optional(env, 'ADMIN_PASSWORD'),
    operators: {
      adminUser: str(env, 'ADMIN_USER', 'admin'),
      reportsDir: path.resolve(str(env, 'REPORTS_DIR', './reports')),
      logArchiveDir: optional(env, 'LOG_ARCHIVE_DIR'),
      logRetentionDays: int(env, 'LOG_RETENTION_DAYS', 365, 1, 36_500),
      prometheusUrl: url(env, 'PROMETHEUS_URL', ['https:', 'http:']),
      alertmanagerUrl: url(env, 'ALERTMANAGER_URL', ['https:', 'http:']),
    },
    merchantEvents: {
      // Close to Svix's schedule: 8 attempts over about 27.6 hours.
      retryScheduleSeconds: secondsList(env, 'MERCHANT_WEBHOOK_RETRY_SCHEDULE', '5,300,1800,7200,18000,36000,36000'),
      timeoutMs: int(env, 'MERCHANT_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      allowPrivate: bool(env, 'MERCHANT_WEBHOOK_ALLOW_PRIVATE', apiKey === null),
      maxEndpointsPerMerchant: int(env, 'MERCHANT_WEBHOOK_MAX_ENDPOINTS', 16, 1, 100),
      secretOverlapSeconds: int(env, 'MERCHANT_WEBHOOK_SECRET_OVERLAP_SECONDS', 86_400, 0, 7 * 86_400),
      disableAfterSeconds: int(env, 'MERCHANT_WEBHOOK_DISABLE_AFTER_SECONDS', 5 * 86_400, 1, 30 * 86_400),
      workerEnabled: bool(env, 'MERCHANT_WEBHOOK_WORKER_ENABLED', true),
      pollIntervalMs: int(env, 'MERCHANT_WEBHOOK_POLL_MS', 200, 10, 60_000),
      concurrency: int(env, 'MERCHANT_WEBHOOK_CONCURRENCY', 64, 1, 1000),
      perEndpointConcurrency: int(env, 'MERCHANT_WEBHOOK_PER_ENDPOINT_CONCURRENCY', 8, 1, 100),
    },
    loadShedding: loadShedding(env),
  };
}
