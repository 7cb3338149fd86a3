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
  initSentry(sdk, settings);
  if (process.env.SENTRY_PROFILES_SAMPLE_RATE && settings.profilesSampleRate > 0) {
    // Not an error: profiles are not supported (see sentry-config.ts), and asking for them says so.
    process.emitWarning('Sentry profiling is off: the service does not collect profiles', { code: 'SENTRY_NO_PROFILING' });
  }
}
