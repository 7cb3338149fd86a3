/**
 * Sentry traces for the requests the sampler picks, and nothing at all for the others.
 *
 * Why not Sentry's http integration: it runs OpenTelemetry's HTTP instrumentation, a request
 * isolation scope and request-data capture on every request, sampled or not. Measured on the
 * project's machine, that cost the payment reads about 70% of their throughput at a 10% sample
 * rate, since 90% of requests paid for spans that were never sent. Here the sampling decision is
 * taken first, before the SDK is touched (a random draw and a per-second budget).
 *
 * The sampled request's steps (database statements, FeexPay calls) are child spans that the route
 * hands its services explicitly, as traceSteps(request): named after what the payment is doing,
 * with no instrumentation patched into pg or http, and nothing at all for requests not sampled.
 *
 * What tracing still costs every request: Sentry starts a span inside OpenTelemetry's context, an
 * AsyncLocalStorage, and on Node 20 the first use of one installs promise hooks that run on every
 * promise of the process from then on (about 15% of a payment read's CPU in the benchmark).
 * SENTRY_TRACES_SAMPLE_RATE=0 keeps them off; Node 22's AsyncContextFrame makes them cheap.
 *
 * The transaction is named by method and route pattern, never the URL: ids would make every
 * request its own transaction, and the webhook URL carries its token.
 */
import { ROOT_CONTEXT, SpanStatusCode, trace, type Span as OtelSpan } from '@opentelemetry/api';
import type * as SentryNode from '@sentry/node';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { NO_TRACE, type TraceSteps } from './trace-steps.ts';

type Span = SentryNode.Span;

/** Marks the spans this plugin starts, already sampled: see presampledTracesSampler. */
const PRESAMPLED = 'fgw.presampled';

/**
 * Sentry's tracesSampler: the request spans were sampled by the plugin (so that the other
 * requests never reach the SDK), anything else at the configured rate.
 */
export function presampledTracesSampler(rate: number) {
  return ({ attributes }: { attributes?: Record<string, unknown> }): number => (attributes?.[PRESAMPLED] === true ? 1 : rate);
}

const spans = new WeakMap<FastifyRequest, Span>();

/** The sampled request's span, undefined when the request is not traced. */
export function requestSpan(request: FastifyRequest): Span | undefined {
  return spans.get(request);
}

export type TraceLink = { trace_id: string; span_id: string } & Record<string, string>;

/** The ids that tie an error event to the sampled request's trace; undefined when not traced. */
export function traceLink(request: FastifyRequest): TraceLink | undefined {
  const span = spans.get(request);
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** Child spans of `parent`, given as their explicit parent rather than found in a context. */
function stepsUnder(parent: Span): TraceSteps {
  // In OpenTelemetry mode Sentry's spans are OpenTelemetry spans, and its span processor collects
  // every span of the trace, whatever tracer started it.
  const context = trace.setSpan(ROOT_CONTEXT, parent as unknown as OtelSpan);
  const tracer = trace.getTracer('feexpay-gateway');
  return {
    async step(op, name, fn) {
      const span = tracer.startSpan(name, { attributes: { 'sentry.op': op } }, context);
      try {
        return await fn();
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'internal_error' });
        throw err;
      } finally {
        span.end();
      }
    },
  };
}

const steps = new WeakMap<FastifyRequest, TraceSteps>();

/** What a route hands its services: spans under the request's span, or nothing when not traced. */
export function traceSteps(request: FastifyRequest): TraceSteps {
  const span = spans.get(request);
  if (!span) return NO_TRACE;
  let s = steps.get(request);
  if (!s) steps.set(request, (s = stepsUnder(span)));
  return s;
}

/**
 * Probes and the scrape would be most of the traces and tell nothing about payments; the
 * in-process FeexPay simulator (under /_feexpay, embedded default only) is FeexPay's side, and
 * already a span of the request that called it.
 */
function isTraced(route: string): boolean {
  return route !== '/metrics' && !route.startsWith('/health') && !route.startsWith('/_feexpay');
}

function end(span: Span, statusCode: number | undefined): void {
  if (statusCode !== undefined) {
    span.setAttribute('http.response.status_code', statusCode);
    span.setStatus(statusCode >= 500 ? { code: 2, message: 'internal_error' } : { code: 1 });
  } else {
    span.setStatus({ code: 2, message: 'cancelled' });
  }
  span.end();
}

/**
 * At most `perSecond` traces in each clock second (0: no cap). A trace costs about 3 ms of CPU
 * from start to upload, so at a few thousand requests a second a 10% rate alone would spend a
 * core on tracing and send more traces than anyone reads; under that load the cap keeps the
 * cost bounded, and at ordinary traffic it never binds. The default (SENTRY_TRACES_MAX_PER_SECOND,
 * 5) is still 18,000 traces an hour per process.
 */
export function traceBudget(perSecond: number, now: () => number = Date.now): () => boolean {
  if (perSecond === 0) return () => true;
  let second = -1;
  let started = 0;
  return () => {
    const current = Math.floor(now() / 1000);
    if (current !== second) {
      second = current;
      started = 0;
    }
    return started++ < perSecond;
  };
}

export interface RequestTracingOptions {
  sdk: typeof SentryNode;
  sampleRate: number;
  maxPerSecond: number;
}

export const requestTracing = fp<RequestTracingOptions>(
  async (app: FastifyInstance, { sdk, sampleRate, maxPerSecond }) => {
    const withinBudget = traceBudget(maxPerSecond);
    app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
      const route = request.routeOptions.url;
      if (route && isTraced(route) && Math.random() < sampleRate && withinBudget()) {
        const span = sdk.startInactiveSpan({
          name: `${request.method} ${route}`,
          op: 'http.server',
          forceTransaction: true,
          attributes: { [PRESAMPLED]: true, 'sentry.source': 'route', 'http.request.method': request.method, 'http.route': route },
        });
        if (span.isRecording()) spans.set(request, span);
      }
      done();
    });

    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const span = spans.get(request);
      if (span) end(span, reply.statusCode);
      done();
    });
    app.addHook('onRequestAbort', (request: FastifyRequest, done: () => void) => {
      const span = spans.get(request);
      // Forgotten, so that an onResponse after the abort does not end it twice.
      spans.delete(request);
      if (span) end(span, undefined);
      done();
    });
  },
  { name: 'sentry-request-tracing', fastify: '5.x' },
);
