/** The service's environment in every benchmark, and the two observability settings compared. */
import path from 'node:path';
import { SIMULATOR_DEFAULT_API_KEY } from '../../src/feexpay/simulator/options.ts';
import { WEBHOOK_TOKEN } from './scenarios.ts';

export function serviceEnv(databaseUrl: string, simulatorUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    MIGRATE_ON_START: 'false',
    FEEXPAY_API_KEY: SIMULATOR_DEFAULT_API_KEY,
    FEEXPAY_SHOP_ID: 'simshop00000001',
    FEEXPAY_BASE_URL: simulatorUrl,
    WEBHOOK_TOKEN,
    // The limits protect real phones and merchants; here one merchant is the whole load.
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_PHONE_PER_HOUR: '10000',
    // The simulator keeps the bench's payments pending for ever (numbers ending in 04), where real
    // ones settle within minutes: without this the reconciler would re-check every earlier payment
    // during the later loads, work that grows with the run, not with the load. It still runs.
    RECONCILE_AFTER_MS: '3600000',
    NODE_ENV: 'production',
  };
}

/** "off": no logs, no Sentry. */
export const OFF = { LOG_LEVEL: 'silent' };

/** "shipped": what Kubernetes and compose ship, JSON logs at info with the LOG_DIR files, Sentry errors and 10% traces. */
export function shipped(logsDir: string, sentryDsn: string): Record<string, string> {
  return { LOG_LEVEL: 'info', LOG_DIR: path.join(logsDir, 'files'), SENTRY_DSN: sentryDsn, SENTRY_TRACES_SAMPLE_RATE: '0.1', SENTRY_ENVIRONMENT: 'bench' };
}
