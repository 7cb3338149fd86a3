/** The shape of a catalog entry (src/metrics/catalog.ts), shared by the catalog's parts. */
import { FAILURE_REASONS } from '../domain/payment-status.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Who produces the series: the service itself, a library inside it, Prometheus, or an exporter. */
export type MetricSource = 'service' | 'prom-client-defaults' | 'prometheus' | 'postgres_exporter' | 'redis_exporter' | 'node_exporter' | 'kube-state-metrics' | 'kubelet';

export interface MetricDef<L extends string = string> {
  /** Full series name as Prometheus stores it (counters end in _total). */
  name: string;
  type: MetricType;
  help: string;
  /** Label names with their allowed values; `null` means the value set is bounded elsewhere. */
  labels: Readonly<Record<L, readonly string[] | null>>;
  buckets?: readonly number[];
  source: MetricSource;
}

export const def = <L extends string, T extends MetricType>(m: MetricDef<L> & { type: T }): MetricDef<L> & { type: T } => m;

/** The failure reason label of payments and payouts: `none` for a success. */
export const REASON_LABEL = ['none', ...FAILURE_REASONS] as const;
