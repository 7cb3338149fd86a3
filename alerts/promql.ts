/**
 * Small PromQL writers shared by rules and dashboards. Metric names only ever come in as catalog
 * definitions, so a renamed metric breaks the type check instead of a query.
 */
import type { MetricDef } from '../src/metrics/catalog.ts';

/** A series of a catalog metric, optionally a histogram's `_bucket`/`_sum`/`_count` child. */
export function series(metric: MetricDef, suffix: '' | '_bucket' | '_sum' | '_count' = ''): string {
  if (suffix && metric.type !== 'histogram') throw new Error(`${metric.name} is not a histogram`);
  return metric.name + suffix;
}

/** `name{a="b",c=~"d"}`; matchers are written out so regex and negation stay visible at the call. */
export function sel(name: string, ...matchers: string[]): string {
  const m = matchers.filter(Boolean);
  return m.length ? `${name}{${m.join(',')}}` : name;
}

export const eq = (label: string, value: string): string => `${label}=${JSON.stringify(value)}`;
export const re = (label: string, value: string): string => `${label}=~${JSON.stringify(value)}`;

export const by = (labels: readonly string[]): string => `by (${labels.join(', ')})`;

export function sumRate(selector: string, range: string, labels: readonly string[]): string {
  return `sum ${by(labels)} (rate(${selector}[${range}]))`;
}

export function sumIncrease(selector: string, range: string, labels: readonly string[]): string {
  return `sum ${by(labels)} (increase(${selector}[${range}]))`;
}

/**
 * good/total where a missing numerator means zero: a counter series for an outcome exists only
 * after its first event, so "every payment failed since the restart" must not read as no data.
 */
export function ratioOrZero(numerator: string, denominator: string, on: readonly string[]): string {
  return `(${numerator} or on (${on.join(', ')}) (0 * ${denominator}))\n/\n${denominator}`;
}

/** Numbers as PromQL literals without float noise (0.144, not 0.14400000000000002). */
export function num(n: number): string {
  return String(Number(n.toPrecision(12)));
}
