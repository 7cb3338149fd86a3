/**
 * HTTP metrics from fastify-metrics (route pattern as label, histogram only) and the business
 * metrics of the catalog, in one registry owned by this app instance.
 */
import fp from 'fastify-plugin';
import fastifyMetricsModule, { type IMetricsPluginOptions } from 'fastify-metrics';
import type { FastifyPluginAsync } from 'fastify';
import client from 'prom-client';
import { httpMetrics } from '../../metrics/catalog.ts';
import { createServiceMetrics, type ServiceMetrics } from '../../metrics/service-metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    serviceMetrics: ServiceMetrics;
    metricsRegistry: client.Registry;
  }
}

// A CommonJS module with `exports.default`: under Node's ESM loader the plugin is one level down.
const fastifyMetrics = (fastifyMetricsModule as unknown as { default: FastifyPluginAsync<Partial<IMetricsPluginOptions>> }).default;

export interface MetricsPluginOptions {
  /** Serve GET /metrics on this server; false when a separate metrics port serves it. */
  exposeRoute: boolean;
}

export default fp<MetricsPluginOptions>(
  async (app, opts) => {
    const registry = new client.Registry();
    const hist = httpMetrics.requestDuration;
    await app.register(fastifyMetrics, {
      endpoint: null,
      // Its own decorator is `metrics` by default; ours (the catalog's business metrics) is serviceMetrics.
      name: 'httpMetrics',
      defaultMetrics: { enabled: true, register: registry },
      routeMetrics: {
        enabled: { histogram: true, summary: false },
        registeredRoutesOnly: true,
        groupStatusCodes: false,
        // Probes and scrapes would drown the API's own latency.
        routeBlacklist: ['/metrics', '/health/live', '/health/ready', /^\/_feexpay\//],
        overrides: {
          histogram: { name: hist.name, help: hist.help, buckets: [...(hist.buckets ?? [])], registers: [registry] },
          // Disabled, but fastify-metrics still builds it: keep it out of the global registry.
          summary: { registers: [registry] },
        },
      },
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
