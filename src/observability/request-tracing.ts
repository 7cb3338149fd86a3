/**
 * Sentry traces for the requests the sampler picks, and nothing at all for the others.
 *
 * Why not Sentry's http integration: it runs OpenTelemetry's HTTP instrumentation, a request
 * isolation scope and request-data capture on every request, sampled or not. Measured on the
 * project's machine, that cost the payment reads about 70% of their throughput at a 10% sample
 * rate, since 90% of requests paid for spans that were never sent. Here the sampling decision is
 * taken first, before the SDK is touched (a random draw and a per-second budget).
 *
 * Why not Sentry's span API either: in its OpenTelemetry mode, starting any span enters
 * OpenTelemetry's context, an AsyncLocalStorage, and on Node 20 the first use of one installs
 * promise hooks that run on every promise of the process from then on; the benchmark put them at
 * about 15% of a payment read's CPU. So a sampled request records its own timings, and when it
 * ends the service sends them as one Sentry transaction event (the same event the SDK would send:
 * trace context, child spans, route-named transaction), through the SDK's client, so that
 * beforeSendTransaction, the transport and flushing apply as to any event. The SDK runs without
 * OpenTelemetry at all (sentry.ts).
 *
 * The steps (database statements, FeexPay calls) are child spans that the route hands its
 * services explicitly, as traceSteps(request), named after what the payment is doing.
 *
 * The transaction is named by method and route pattern, never the URL: ids would make every
 * request its own transaction, and the webhook URL carries its token.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type * as SentryNode from '@sentry/node';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SIMULATOR_PREFIX } from '../plugins/app/feexpay.ts';
import { NO_TRACE, type TraceSteps } from './trace-steps.ts';

type SpanStatus = 'ok' | 'internal_error' | 'cancelled';

interface StepSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  op: string;
  description: string;
  start_timestamp: number;
  timestamp: number;
  status: SpanStatus;
  /** Required by Sentry's span format; steps carry nothing beyond their name. */
  data: Record<string, string>;
}

interface RequestTrace {
  traceId: string;
  spanId: string;
  method: string;
  route: string;
  start: number;
  spans: StepSpan[];
  steps: TraceSteps;
  sent: boolean;
}

/** Seconds since the epoch, to the microsecond, as Sentry's events count time. */
const nowSeconds = () => (performance.timeOrigin + performance.now()) / 1000;
const hexId = (bytes: number) => randomBytes(bytes).toString('hex');

const traces = new WeakMap<FastifyRequest, RequestTrace>();

export type TraceLink = { trace_id: string; span_id: string } & Record<string, string>;

/** The ids that tie an error event to the sampled request's trace; undefined when not traced. */
export function traceLink(request: FastifyRequest): TraceLink | undefined {
  const t = traces.get(request);
  return t ? { trace_id: t.traceId, span_id: t.spanId } : undefined;
}

/** What a route hands its services: spans of the request's trace, or nothing when not traced. */
export function traceSteps(request: FastifyRequest): TraceSteps {
  return traces.get(request)?.steps ?? NO_TRACE;
}

function startTrace(method: string, route: string): RequestTrace {
  const t: RequestTrace = { traceId: hexId(16), spanId: hexId(8), method, route, start: nowSeconds(), spans: [], steps: NO_TRACE, sent: false };
  t.steps = {
    async step(op, description, fn) {
      const start = nowSeconds();
      let status: SpanStatus = 'ok';
      try {
        return await fn();
      } catch (err) {
        status = 'internal_error';
        throw err;
      } finally {
        t.spans.push({ trace_id: t.traceId, span_id: hexId(8), parent_span_id: t.spanId, op, description, start_timestamp: start, timestamp: nowSeconds(), status, data: {} });
      }
    },
  };
  return t;
}

/** The transaction event Sentry's SDK would build for this request. */
function transactionEvent(t: RequestTrace, statusCode: number | undefined): SentryNode.Event {
  const status: SpanStatus = statusCode === undefined ? 'cancelled' : statusCode >= 500 ? 'internal_error' : 'ok';
  return {
    type: 'transaction',
    transaction: `${t.method} ${t.route}`,
    transaction_info: { source: 'route' },
    start_timestamp: t.start,
    timestamp: nowSeconds(),
    contexts: {
      trace: {
        trace_id: t.traceId,
        span_id: t.spanId,
        op: 'http.server',
        status,
        data: { 'http.request.method': t.method, 'http.route': t.route, ...(statusCode === undefined ? {} : { 'http.response.status_code': statusCode }) },
      },
    },
    spans: t.spans,
  };
}

/**
 * Probes and the scrape would be most of the traces and tell nothing about payments; the
 * in-process FeexPay simulator (SIMULATOR_PREFIX, embedded default only) is FeexPay's side, and
 * already a span of the request that called it.
 */
function isTraced(route: string): boolean {
  return route !== '/metrics' && !route.startsWith('/health') && !route.startsWith(SIMULATOR_PREFIX);
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
    const finish = (request: FastifyRequest, statusCode: number | undefined) => {
      const t = traces.get(request);
      // Once: an aborted request may still reach onResponse.
      if (!t || t.sent) return;
      t.sent = true;
      sdk.captureEvent(transactionEvent(t, statusCode));
    };
    app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
      // The draw first: routeOptions builds a new object on each read, and most requests are not sampled.
      if (Math.random() >= sampleRate) return done();
      const route = request.routeOptions.url;
      if (route && isTraced(route) && withinBudget()) traces.set(request, startTrace(request.method, route));
      done();
    });
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      finish(request, reply.statusCode);
      done();
    });
    app.addHook('onRequestAbort', (request: FastifyRequest, done: () => void) => {
      finish(request, undefined);
      done();
    });
  },
  { name: 'sentry-request-tracing', fastify: '5.x' },
);
