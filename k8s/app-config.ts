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
    LOG_DIR,
    DATABASE_POOL_MAX: String(s.app.databasePoolMax),
    FEEXPAY_BASE_URL: s.app.feexpayBaseUrl,
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

export function configChecksum(data: Record<string, string>): string {
  const canonical = JSON.stringify(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(canonical).digest('hex');
}
