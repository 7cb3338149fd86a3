/**
 * Load shedding with @fastify/under-pressure: past a bound of LOAD_SHED_* (event loop delay, heap,
 * resident memory) a request is answered 503 `overloaded` with Retry-After before any of its work
 * starts, so the requests already in flight can finish instead of every request timing out.
 *
 * Probes, scrapes and the built-in simulator are never shed: liveness must not fail because the
 * process is busy (a restart would lose the requests in flight), readiness itself says
 * "overloaded" (routes/health.ts), Prometheus must still see the overload, and the simulator's
 * callers are payments already accepted. Each shed request is counted by reason; one warning
 * line every LOG_EVERY_MS at most says that shedding goes on, with how many were shed since.
 */
import fp from 'fastify-plugin';
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyRequest } from 'fastify';
import type { LoadSheddingConfig } from '../../config.ts';
import { ApiError } from '../app/errors.ts';
import type { LOAD_SHED_REASONS } from '../../metrics/catalog.ts';

type Reason = (typeof LOAD_SHED_REASONS)[number];

const REASONS: Record<string, Reason> = {
  [underPressure.TYPE_EVENT_LOOP_DELAY]: 'event_loop_delay',
  [underPressure.TYPE_HEAP_USED_BYTES]: 'heap_used',
  [underPressure.TYPE_RSS_BYTES]: 'rss',
};

const NEVER_SHED = ['/health/', '/metrics', '/_feexpay/'];
const LOG_EVERY_MS = 10_000;

const neverShed = (req: FastifyRequest): boolean => NEVER_SHED.some((prefix) => req.url.startsWith(prefix));

export interface LoadSheddingOptions {
  settings: LoadSheddingConfig;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The last sample, as readiness and the shedding line report it (the delay always a number). */
    loadUsage(): { eventLoopDelayMs: number; heapUsedBytes: number; rssBytes: number };
  }
}

export default fp<LoadSheddingOptions>(
  async (app, { settings }) => {
    // under-pressure reports Infinity when no turn of the loop completed within a sample: the loop
    // was blocked for at least the sample interval, which is what is said (JSON has no Infinity,
    // and readiness and the log line printed null).
    const loadUsage = () => {
      const usage = app.memoryUsage();
      const delay = usage.eventLoopDelay;
      return { eventLoopDelayMs: Math.round(Number.isFinite(delay) ? delay : settings.sampleIntervalMs), heapUsedBytes: usage.heapUsed, rssBytes: usage.rssBytes };
    };
    let lastLogAt = 0;
    let shedSinceLog = 0;
    const options: FastifyUnderPressureOptions = {
      maxEventLoopDelay: settings.maxEventLoopDelayMs,
      maxHeapUsedBytes: settings.maxHeapUsedBytes,
      maxRssBytes: settings.maxRssBytes,
      sampleInterval: settings.sampleIntervalMs,
      // A rejection reaches the error handler, which answers an ApiError 503 with its headers.
      pressureHandler: async (req, _reply, type, value) => {
        if (neverShed(req)) return;
        const reason = REASONS[type] ?? 'event_loop_delay';
        app.serviceMetrics.requestsShed.inc({ reason });
        shedSinceLog++;
        const now = Date.now();
        if (now - lastLogAt >= LOG_EVERY_MS) {
          req.log.warn(
            {
              reason,
              value: typeof value === 'number' ? Math.round(value) : value,
              shed: shedSinceLog,
              ...loadUsage(),
            },
            'overloaded: shedding requests with 503',
          );
          lastLogAt = now;
          shedSinceLog = 0;
        }
        throw new ApiError(503, 'overloaded', `The service is overloaded; retry after ${settings.retryAfterSeconds} seconds.`, {
          'retry-after': String(settings.retryAfterSeconds),
        });
      },
    };
    await app.register(underPressure, options);
    app.decorate('loadUsage', loadUsage);
  },
  { name: 'load-shedding', dependencies: ['metrics', 'errors'] },
);
