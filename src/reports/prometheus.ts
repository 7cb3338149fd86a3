/** FeexPay latency over the week, from Prometheus (the service's own histogram, by operation). */
import { catalog } from '../metrics/catalog.ts';
import { getJson, unavailableReason } from './http-json.ts';
import type { IsoWeek } from './week.ts';

export interface LatencyRow {
  operation: string;
  calls: number;
  p50: number | null;
  p95: number | null;
}

export type Latency = { available: true; rows: LatencyRow[] } | { available: false; reason: string };

interface VectorAnswer {
  status: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function instant(base: string, query: string, at: Date): Promise<Map<string, number | null>> {
  const url = new URL('/api/v1/query', base);
  url.searchParams.set('query', query);
  url.searchParams.set('time', String(at.getTime() / 1000));
  const answer = (await getJson(url.toString())) as VectorAnswer;
  if (answer.status !== 'success' || answer.data?.resultType !== 'vector') throw new Error('unexpected answer');
  const out = new Map<string, number | null>();
  for (const r of answer.data.result) {
    const v = Number(r.value[1]);
    out.set(r.metric.operation ?? 'all', Number.isFinite(v) ? v : null);
  }
  return out;
}

export async function feexpayLatency(prometheusUrl: string | null, week: IsoWeek): Promise<Latency> {
  if (!prometheusUrl) return { available: false, reason: 'PROMETHEUS_URL not set' };
  const metric = catalog.feexpayRequestDuration.name;
  const range = '7d';
  try {
    const quantile = (q: number) => `histogram_quantile(${q}, sum by (le, operation) (increase(${metric}_bucket[${range}])))`;
    const [calls, p50, p95] = await Promise.all([
      instant(prometheusUrl, `sum by (operation) (increase(${metric}_count[${range}]))`, week.end),
      instant(prometheusUrl, quantile(0.5), week.end),
      instant(prometheusUrl, quantile(0.95), week.end),
    ]);
    const rows = [...calls.keys()].sort().map((operation) => ({
      operation,
      calls: Math.round(calls.get(operation) ?? 0),
      p50: p50.get(operation) ?? null,
      p95: p95.get(operation) ?? null,
    }));
    return { available: true, rows };
  } catch (err) {
    return { available: false, reason: unavailableReason(err) };
  }
}
