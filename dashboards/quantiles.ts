/** Latency percentiles of a histogram, the same three on every dashboard so panels compare. */
import type { Query } from './panels.ts';
import { RATE } from './selectors.ts';

/** p50, p95 and p99 of the `_bucket` selector `buckets`, one series per value of `by`. */
export function latencyQuantiles(buckets: string, by: string): Query[] {
  return [0.5, 0.95, 0.99].map((p) => ({
    expr: `histogram_quantile(${p}, sum by (${by}, le) (rate(${buckets}[${RATE}])))`,
    legend: `p${Math.round(p * 100)} {{${by}}}`,
  }));
}
