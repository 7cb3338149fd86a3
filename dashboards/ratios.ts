/**
 * Ratios and quantiles for panels, read from the per-replica recorded rates (5m, 30m) so they
 * follow the $instance selection and do not go blank between two calls the way a ratio over
 * $__rate_interval does. When nothing happened at all they show "no data" (with the panel's
 * noValue text), never NaN: the volume panel beside them says why.
 */
import { ratioOrZero } from '../alerts/promql.ts';

/** `num / den` where a missing numerator is 0 and a zero denominator is no data. */
export function guardedRatio(numerator: string, denominator: string, by: readonly string[]): string {
  return ratioOrZero(numerator, `(${denominator} > 0)`, by);
}

/** `sum by (labels) (selector)`, or `sum (selector)` without labels. */
export function sumBy(selector: string, labels: readonly string[] = []): string {
  return labels.length ? `sum by (${labels.join(', ')}) (${selector})` : `sum (${selector})`;
}

/** histogram_quantile over recorded per-replica bucket rates. */
export function quantile(q: number, buckets: string, labels: readonly string[] = []): string {
  return `histogram_quantile(${q}, ${sumBy(buckets, [...labels, 'le'])})`;
}
