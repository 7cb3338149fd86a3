/**
 * Preloaded before anything else (`node --import tsx --import ./src/instrument.ts src/server.ts`),
 * so Sentry's instrumentation is in place before http, pg and undici are loaded. It reads the
 * environment itself: the app's config module has not run yet.
 *
 * Without SENTRY_DSN nothing is loaded: @sentry/node is imported only when there is a DSN, and
 * every helper in observability/sentry.ts stays a no-op.
 */
import { sentrySettingsFromEnv } from './observability/sentry-config.ts';

const settings = sentrySettingsFromEnv(process.env);
if (settings) {
  const [sdk, { initSentry }] = await Promise.all([import('@sentry/node'), import('./observability/sentry.ts')]);
  const { tracing, profiling } = await initSentry(sdk, settings);
  if (process.env.SENTRY_PROFILES_SAMPLE_RATE && settings.profilesSampleRate > 0 && tracing && !profiling) {
    // Not an error: @sentry/profiling-node is deliberately not a dependency (native binary).
    process.emitWarning('Sentry profiling is off: @sentry/profiling-node is not installed', { code: 'SENTRY_NO_PROFILING' });
  }
}
