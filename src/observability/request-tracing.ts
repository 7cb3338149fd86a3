/**
 * Sentry traces for the requests the sampler picks, and nothing at all for the others.
 *
 * Why not Sentry's http integration: it runs OpenTelemetry's HTTP instrumentation, a request
 * isolation scope and request-data capture on every request, sampled or not. Measured on the
 * project's machine, that cost the payment reads about 70% of their throughput at a 10% sample
 * rate, since 90% of requests paid for spans that were never sent. Here the sampling decision is
 * taken first, before the SDK is touched (a random draw and a per-second budget), and only sampled
 * requests start a span and run their handler inside it, so that the PostgreSQL instrumentation
 * and childSpan() (which need a parent span) add the queries and the FeexPay call to the trace.
 *
 * The transaction is named by method and route pattern, never the URL: ids would make every
 * request its own transaction, and the webhook URL carries its token.
 */
import type * as SentryNode from '@sentry/node';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

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

/** Probes and the scrape would be most of the traces and tell nothing about payments. */
function isTraced(route: string): boolean {
  return route !== '/metrics' && !route.startsWith('/health');
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
          parentSpan: null,
          attributes: { [PRESAMPLED]: true, 'sentry.source': 'route', 'http.request.method': request.method, 'http.route': route },
        });
        if (span.isRecording()) spans.set(request, span);
      }
      done();
    });

    // Only the handler runs inside the span: hooks before it are cheap (auth is cached), and a
    // preHandler cannot wrap what comes after it.
    app.addHook('onRoute', (route: RouteOptions) => {
      const handler = route.handler;
      route.handler = function traced(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
        const span = spans.get(request);
        return span ? sdk.withActiveSpan(span, () => handler.call(this, request, reply)) : handler.call(this, request, reply);
      };
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
