/**
 * Sentry for the rest of the app: init (called once, from instrument.ts), capture helpers with
 * bounded tags, a Fastify plugin, and flush at shutdown. Everything is a no-op until initSentry()
 * has run with a DSN, and @sentry/node is only ever loaded by instrument.ts when there is one:
 * this module imports its types, never its code.
 */
import type * as SentryNode from '@sentry/node';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { maskPii, maskString } from './pii.ts';
import { requestTracing, traceLink, type TraceLink } from './request-tracing.ts';
import { selectIntegrations, type SentrySettings } from './sentry-config.ts';

type Sdk = typeof SentryNode;

// On globalThis rather than in a module variable: instrument.ts and the app must see the same SDK
// even if a loader ever evaluates this module twice.
const STATE = Symbol.for('feexpay-gateway.sentry');
type Holder = { [STATE]?: { sdk: Sdk; settings: SentrySettings } };

function sdk(): Sdk | undefined {
  return (globalThis as Holder)[STATE]?.sdk;
}

/** Masks personal data anywhere in an event: request, extra, contexts, tags, breadcrumbs, messages. */
export function scrubEvent<T extends object>(event: T): T {
  return maskPii(event) as T;
}

/**
 * A transaction is built by request-tracing.ts from the route pattern, step names, ids, timings and
 * status codes: no request data. Its span names and trace data are masked all the same (cheap, a
 * few strings), and scope breadcrumbs, which tell what the whole process did lately, are dropped.
 * Walking the whole event, as for errors, cost 7% of the service's CPU at a 10% sample rate.
 */
export function scrubTransaction<T extends { breadcrumbs?: unknown; spans?: { description?: string }[]; contexts?: { trace?: { data?: Record<string, unknown> } } }>(event: T): T {
  delete event.breadcrumbs;
  const trace = event.contexts?.trace;
  if (trace?.data) trace.data = maskPii(trace.data) as Record<string, unknown>;
  for (const span of event.spans ?? []) {
    if (span.description) span.description = maskString(span.description);
  }
  return event;
}

/** Initialises the SDK; instrument.ts passes the module it imported. */
export function initSentry(module: Sdk, settings: SentrySettings): void {
  module.init({
    dsn: settings.dsn,
    environment: settings.environment,
    release: settings.release,
    sendDefaultPii: false,
    defaultIntegrations: false,
    integrations: selectIntegrations(module),
    // Sampling, spans and transactions are the service's own (request-tracing.ts): the SDK sends
    // them as events and never starts a span, so it needs no traces option and no OpenTelemetry
    // (whose context costs every request, see request-tracing.ts).
    // Nothing is instrumented through imports: hooking every ESM import would cost start-up time.
    registerEsmLoaderHooks: false,
    skipOpenTelemetrySetup: true,
    maxBreadcrumbs: 50,
    // One connection to Sentry kept open, rather than a new one per event or trace.
    transportOptions: { keepAlive: true },
    // Breadcrumbs, request data, contexts and tags are all part of the event: masked once, when
    // it leaves, rather than on every breadcrumb recorded.
    beforeSend: (event) => scrubEvent(event),
    beforeSendTransaction: (event) => scrubTransaction(event),
  });
  (globalThis as Holder)[STATE] = { sdk: module, settings };
}

export function isSentryEnabled(): boolean {
  return sdk() !== undefined;
}

/** Tags must be bounded sets (Sentry indexes them): ids go to tags only when they are UUIDs. */
export interface ServerErrorContext {
  paymentId?: string;
  network?: string;
  route?: string;
  method?: string;
  statusCode?: number;
  /** The trace of the request that failed, when it was sampled: links the event to it. */
  trace?: TraceLink;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tagsOf(ctx: ServerErrorContext & Record<string, unknown>): Record<string, string> {
  const tags: Record<string, string> = {};
  if (ctx.paymentId && UUID_RE.test(ctx.paymentId)) tags.payment_id = ctx.paymentId;
  if (ctx.network && /^[a-z_]{1,20}$/.test(ctx.network)) tags.network = ctx.network;
  if (ctx.route) tags.route = ctx.route.slice(0, 100);
  if (ctx.method) tags.method = ctx.method;
  if (ctx.statusCode) tags.status_code = String(ctx.statusCode);
  return tags;
}

export function captureServerError(err: unknown, ctx: ServerErrorContext & Record<string, unknown> = {}): string | undefined {
  const s = sdk();
  if (!s) return undefined;
  const { paymentId: _p, network: _n, route: _r, method: _m, statusCode: _s, trace, ...extra } = ctx;
  return s.captureException(err, {
    level: 'error',
    tags: { kind: 'server_error', ...tagsOf(ctx) },
    contexts: { ...(Object.keys(extra).length > 0 ? { details: extra } : {}), ...(trace ? { trace: { ...trace } } : {}) },
  });
}

/** An answer from FeexPay we cannot make sense of (unknown status, amount mismatch...). */
export function captureFeexPayAnomaly(message: string, ctx: ServerErrorContext & Record<string, unknown> = {}): string | undefined {
  const s = sdk();
  if (!s) return undefined;
  const { paymentId: _p, network: _n, route: _r, method: _m, statusCode: _s, ...extra } = ctx;
  return s.captureMessage(message, {
    level: 'warning',
    tags: { kind: 'feexpay_anomaly', ...tagsOf(ctx) },
    contexts: { feexpay: extra },
    // Group by message, not by the stack of whoever noticed it.
    fingerprint: ['feexpay-anomaly', message],
  });
}

export function captureReconcilerFailure(err: unknown, ctx: Record<string, unknown> = {}): string | undefined {
  const s = sdk();
  if (!s) return undefined;
  return s.captureException(err, {
    level: 'error',
    tags: { kind: 'reconciler_failure' },
    contexts: { reconciler: ctx },
  });
}

/** Sends what is queued; call at shutdown. Resolves false on timeout, true when drained or off. */
export async function flushSentry(timeoutMs: number): Promise<boolean> {
  const s = sdk();
  if (!s) return true;
  return s.flush(timeoutMs);
}

/** 5xx only: a 4xx is the client's mistake, and reporting it would bury our own errors. */
export function isReportable(statusCode: number): boolean {
  return statusCode >= 500;
}

const requestContext = new WeakMap<FastifyRequest, ServerErrorContext>();

/** Lets a route attach the payment it is working on, for the 5xx report of that request. */
export function setRequestSentryContext(request: FastifyRequest, ctx: Pick<ServerErrorContext, 'paymentId' | 'network'>): void {
  if (sdk()) requestContext.set(request, { ...requestContext.get(request), ...ctx });
}

/**
 * What a 5xx report says about its request: payment (from the path, or set by the route), route,
 * method, status, the masked URL and the trace. The app's error handler and the plugin below both
 * report through it.
 */
export function serverErrorContext(request: FastifyRequest, statusCode: number): ServerErrorContext & Record<string, unknown> {
  const params = request.params as { id?: unknown } | undefined;
  return {
    trace: traceLink(request),
    ...(typeof params?.id === 'string' ? { paymentId: params.id } : {}),
    ...requestContext.get(request),
    route: routeOf(request),
    method: request.method,
    statusCode,
    // Masked by beforeSend like everything else (the webhook token is in a path segment).
    url: request.url,
  };
}

export interface SentryPluginOptions {
  /** false: leave error capture to the app's error handler (captureServerError). Default true. */
  captureErrors?: boolean;
}

function routeOf(request: FastifyRequest): string | undefined {
  return request.routeOptions?.url;
}

/**
 * Reports errors that ended as a 5xx, with route, method, payment and network tags, and (when
 * tracing is on) traces the sampled requests.
 *
 * Fastify runs onError hooks before the error handler has chosen the status (the reply still says
 * 200 there), so the error is kept in onError and judged in onResponse, on the status the client
 * actually received: a 4xx thrown by a route, or turned into a 4xx by the app's error handler, is
 * never sent. onResponse also runs after the response is written, so reporting adds no latency.
 */
export const sentryFastifyPlugin = fp<SentryPluginOptions>(
  async (app: FastifyInstance, opts) => {
    const s = sdk();
    if (!s) return;
    const settings = (globalThis as Holder)[STATE]!.settings;
    if (settings.tracesSampleRate > 0) {
      await app.register(requestTracing, { sdk: s, sampleRate: settings.tracesSampleRate, maxPerSecond: settings.tracesMaxPerSecond });
    }
    if (opts.captureErrors === false) return;
    const errors = new WeakMap<FastifyRequest, Error>();
    // Callback hooks: onResponse runs on every request, and an async hook costs a promise each time.
    app.addHook('onError', (request: FastifyRequest, _reply: FastifyReply, error: Error, done: () => void) => {
      errors.set(request, error);
      done();
    });
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const error = errors.get(request);
      if (error && isReportable(reply.statusCode)) captureServerError(error, serverErrorContext(request, reply.statusCode));
      done();
    });
  },
  { name: 'sentry', fastify: '5.x' },
);
