/**
 * The service's own prom-client metrics, built from the catalog into one registry per app (so
 * tests can run several apps in one process without their series colliding).
 */
import client from 'prom-client';
import { serviceMetrics, type MetricDef } from './catalog.ts';

type Defs = typeof serviceMetrics;
type Instrument<D> = D extends MetricDef<infer L> & { type: infer T }
  ? T extends 'counter'
    ? client.Counter<L>
    : T extends 'gauge'
      ? client.Gauge<L>
      : client.Histogram<L>
  : never;
export type ServiceMetrics = { [K in keyof Defs]: Instrument<Defs[K]> };

function build(def: MetricDef, registry: client.Registry) {
  // prom-client appends nothing: counters are declared with their _total name as exported.
  const common = { name: def.name, help: def.help, labelNames: Object.keys(def.labels), registers: [registry] };
  if (def.type === 'counter') return new client.Counter(common);
  if (def.type === 'gauge') return new client.Gauge(common);
  return new client.Histogram({ ...common, buckets: [...(def.buckets ?? [])] });
}

export function createServiceMetrics(registry: client.Registry): ServiceMetrics {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(serviceMetrics)) out[key] = build(def as MetricDef, registry);
  return out as ServiceMetrics;
}
