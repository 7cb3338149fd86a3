/**
 * Configuration, only from environment variables, validated once at start. A wrong value stops
 * the start with a message naming the variable, rather than failing later on a payment.
 */
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  metricsPort: number | null;
  dataDir: string;
  databaseUrl: string | null;
  databasePoolMax: number;
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
  };
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
  rateLimit: { perKeyPerMinute: number; perPhonePerHour: number };
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
}

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
  const emailTo = str(env, 'ALERT_EMAIL_TO', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: str(env, 'HOST', '0.0.0.0'),
    metricsPort: env.METRICS_PORT ? int(env, 'METRICS_PORT', 9091, 0, 65535) : null,
    dataDir: path.resolve(str(env, 'DATA_DIR', './data')),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolMax: int(env, 'DATABASE_POOL_MAX', 10, 1, 200),
    migrateOnStart: bool(env, 'MIGRATE_ON_START', true),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    feexpay: {
      apiKey,
      shopId: shopId || 'simulatorshop00',
      baseUrl: url(env, 'FEEXPAY_BASE_URL', ['https:', 'http:']) ?? (apiKey ? DEFAULT_FEEXPAY_BASE_URL : null),
      requestTimeoutMs: int(env, 'FEEXPAY_REQUEST_TIMEOUT_MS', 30_000, 100, 180_000),
      statusTimeoutMs: int(env, 'FEEXPAY_STATUS_TIMEOUT_MS', 10_000, 100, 60_000),
    },
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
    },
    idempotencyTtlHours: int(env, 'IDEMPOTENCY_TTL_HOURS', 24, 24, 24 * 30),
    logLevel: str(env, 'LOG_LEVEL', 'info'),
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
  };
}
