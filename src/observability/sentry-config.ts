/**
 * Sentry's configuration: read from the environment (instrument.ts runs before the app's config
 * module) and turned into SDK options with a deliberate, short list of integrations.
 *
 * Why not the defaults: measured on the project's machine, a Fastify route served 59k req/s bare,
 * about 8k with the default integrations and no tracing, about 2.5k with 10% tracing. CPU time per
 * request measured for this choice (same route, 30k requests): bare Fastify 42-55 us, tracing off
 * 51-66 us, default integrations with tracing off 137-180 us. What tracing at 10% still costs
 * with this setup is measured by `npm run bench` (docs/benchmarks.md).
 *
 * So: the SDK runs without OpenTelemetry and keeps only what costs nothing until an error
 * happens. Sentry's http integration is left out: it ran OpenTelemetry's HTTP instrumentation on
 * every request, sampled or not, and a 10% rate then cost the payment reads about 70% of their
 * throughput. Traces are the service's own (request-tracing.ts): it samples, records a sampled
 * request's steps and sends them as a transaction event, with traces capped per second.
 *
 * Always: onUncaughtException / onUnhandledRejection (crashes), linkedErrors (FeexPay client errors
 * carry their cause), contextLines and nodeContext (cost only when an error is sent).
 * With tracing: no integration at all; the sampled requests' database statements and FeexPay
 * calls are spans started by the service itself (request-tracing.ts), which sends no trace
 * headers to FeexPay, a third party.
 *
 * Left out: http and requestData (above; the request's method, route and status are span
 * attributes, never its URL, body or headers); fastify (wraps every hook and handler of every route
 * in a span, and captures handler errors before Fastify has set the status, so a thrown 4xx would
 * be reported: our own plugin in sentry.ts reports 5xx only); localVariables (pauses in the
 * inspector on every exception and would ship local variables, which hold PII); console (we log
 * through pino); modules, childProcess, processSession, functionToString, systemError,
 * inboundFilters, conversationId (no use here).
 *
 * Profiles are not collected: @sentry/profiling-node downloads a native binary at install, and
 * its 'trace' lifecycle follows the SDK's own spans, which the service does not start.
 * SENTRY_PROFILES_SAMPLE_RATE is read and validated so that setting it gives a warning at start.
 */
import type * as SentryNode from '@sentry/node';

export interface SentrySettings {
  dsn: string;
  environment: string;
  release?: string;
  /** 0..1; 0 turns tracing (and every span-related integration) off. */
  tracesSampleRate: number;
  /** Most traces started per second by one process, whatever the rate; 0: no cap. */
  tracesMaxPerSecond: number;
  /** 0..1; profiles are not collected: a rate above 0 only gives a warning at start. */
  profilesSampleRate: number;
}

type Env = Record<string, string | undefined>;

function rate(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new Error(`Invalid configuration: ${name} must be a number between 0 and 1, got "${raw}"`);
  }
  return n;
}

function count(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Invalid configuration: ${name} must be a whole number >= 0, got "${raw}"`);
  return n;
}

/** null when SENTRY_DSN is unset or empty: Sentry stays off and is not even loaded. */
export function sentrySettingsFromEnv(env: Env = process.env): SentrySettings | null {
  const dsn = env.SENTRY_DSN?.trim();
  if (!dsn) return null;
  return {
    dsn,
    environment: env.SENTRY_ENVIRONMENT?.trim() || env.NODE_ENV?.trim() || 'production',
    release: env.SENTRY_RELEASE?.trim() || undefined,
    tracesSampleRate: rate(env, 'SENTRY_TRACES_SAMPLE_RATE', 0.1),
    tracesMaxPerSecond: count(env, 'SENTRY_TRACES_MAX_PER_SECOND', 5),
    profilesSampleRate: rate(env, 'SENTRY_PROFILES_SAMPLE_RATE', 0.1),
  };
}

export type SentryIntegration = Parameters<typeof SentryNode.addIntegration>[0];

/**
 * An integration whose event processing is skipped for transactions: nodeContext reads the
 * process's memory on every event, which for traces is a cost with no reader.
 */
function errorsOnly(integration: SentryIntegration): SentryIntegration {
  const processEvent = integration.processEvent?.bind(integration);
  if (!processEvent) return integration;
  return { ...integration, processEvent: (event, hint, client) => (event.type === 'transaction' ? event : processEvent(event, hint, client)) };
}

/**
 * The same list with or without tracing: nothing that runs per request (traces are built by
 * request-tracing.ts, not by an integration).
 */
export function selectIntegrations(sdk: typeof SentryNode): SentryIntegration[] {
  return [
    sdk.onUncaughtExceptionIntegration(),
    sdk.onUnhandledRejectionIntegration(),
    sdk.linkedErrorsIntegration(),
    sdk.contextLinesIntegration(),
    // No culture context: a server's locale and time zone say nothing about an error, and reading
    // them is Intl's first use, which maps about 5 MB of ICU data into the process.
    errorsOnly(sdk.nodeContextIntegration({ culture: false })),
  ];
}
