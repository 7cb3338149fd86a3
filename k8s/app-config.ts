/**
 * The non-secret configuration of the service, one ConfigMap per environment. Its content hash is
 * stamped on the pod template so a configuration change rolls the pods.
 */
import { createHash } from 'node:crypto';
import { imageTag, PORTS } from './names.ts';
import type { EnvSettings } from './settings.ts';

export const LOG_DIR = '/var/log/feexpay-gateway';

export function appConfigData(s: EnvSettings): Record<string, string> {
  return {
    PORT: String(PORTS.http.port),
    HOST: '0.0.0.0',
    METRICS_PORT: String(PORTS.metrics.port),
    LOG_LEVEL: s.app.logLevel,
    // stdout only (the cluster's log pipeline keeps it) unless a shared logs volume is configured:
    // file logging writes every line a second time (its cost per request: docs/benchmarks.md).
    ...(s.logsVolume ? { LOG_DIR } : {}),
    // Migrations run in the release's migration Job, never in a serving container.
    MIGRATE_ON_START: 'false',
    DATABASE_POOL_MAX: String(s.database.poolMax),
    FEEXPAY_BASE_URL: s.app.feexpayBaseUrl,
    FEEXPAY_REQUEST_TIMEOUT_MS: String(s.app.feexpayRequestTimeoutMs),
    SENTRY_ENVIRONMENT: s.env,
    SENTRY_RELEASE: imageTag(s.image),
    SENTRY_TRACES_SAMPLE_RATE: s.app.sentryTracesSampleRate,
    ALERT_EMAIL_FROM: s.app.alertEmailFrom,
    ALERT_EMAIL_TO: s.app.alertEmailTo,
    RECONCILER_ENABLED: 'true',
    PROMETHEUS_URL: s.monitoringUrls.prometheus,
    ALERTMANAGER_URL: s.monitoringUrls.alertmanager,
    NODE_ENV: 'production',
  };
}

/** sha256 of a JSON value with sorted keys: the same content gives the same annotation. */
export function configChecksum(data: unknown): string {
  const canonical = JSON.stringify(data, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}
