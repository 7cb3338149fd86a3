/**
 * HTTP metrics (route pattern as label, histogram only) and the business metrics of the catalog,
 * in one registry owned by this app instance.
 *
 * The route histogram is one onResponse hook of our own rather than fastify-metrics: that plugin
 * started two timers in an onRequest hook, kept them in a WeakMap and built a label object per
 * request (about 8 us of a read's CPU in a profile, docs/benchmarks.md). Here the duration is
 * Fastify's own `reply.elapsedTime`, and the labelled child of each method, route and status is
 * made once. Only routes registered on the app are counted (never a 404's raw URL), without the
 * probes and scrapes, and without HEAD, OPTIONS and TRACE, as before.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import client from 'prom-client';
import { httpMetrics } from '../../metrics/catalog.ts';
import { createServiceMetrics, type ServiceMetrics } from '../../metrics/service-metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    serviceMetrics: ServiceMetrics;
    metricsRegistry: client.Registry;
  }
}

export interface MetricsPluginOptions {
  /** Serve GET /metrics on this server; false when a separate metrics port serves it. */
  exposeRoute: boolean;
}

// Probes and scrapes would drown the API's own latency.
const ROUTE_BLACKLIST: (string | RegExp)[] = ['/metrics', '/health/live', '/health/ready', /^\/_feexpay\//];
const METHOD_BLACKLIST = new Set(['HEAD', 'OPTIONS', 'TRACE', 'CONNECT']);
const blacklisted = (url: string) => ROUTE_BLACKLIST.some((p) => (typeof p === 'string' ? p === url : p.test(url)));

export default fp<MetricsPluginOptions>(
  async (app, opts) => {
    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry });
    const def = httpMetrics.requestDuration;
    const histogram = new client.Histogram({
      name: def.name,
      help: def.help,
      labelNames: ['method', 'route', 'status_code'],
      buckets: [...(def.buckets ?? [])],
      registers: [registry],
    });
    /** method -> route patterns that are counted */
    const routes = new Map<string, Set<string>>();
    const children = new Map<string, client.Histogram.Internal<'method' | 'route' | 'status_code'>>();
    app.addHook('onRoute', (route) => {
      if (blacklisted(route.url)) return;
      for (const method of [route.method].flat()) {
        if (METHOD_BLACKLIST.has(method)) continue;
        if (!routes.has(method)) routes.set(method, new Set());
        routes.get(method)!.add(route.url);
      }
    });
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const route = request.routeOptions.url;
      if (route !== undefined && routes.get(request.method)?.has(route)) {
        const key = `${request.method} ${reply.statusCode} ${route}`;
        let child = children.get(key);
        if (!child) {
          child = histogram.labels({ method: request.method, route, status_code: reply.statusCode });
          children.set(key, child);
        }
        child.observe(reply.elapsedTime / 1000);
      }
      done();
    });
    app.decorate('metricsRegistry', registry);
    app.decorate('serviceMetrics', createServiceMetrics(registry));
    if (opts.exposeRoute) {
      app.get('/metrics', { logLevel: 'warn', schema: { hide: true } }, async (_req, reply) => {
        reply.type(registry.contentType);
        return registry.metrics();
      });
    }
  },
  { name: 'metrics' },
);
