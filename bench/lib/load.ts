/**
 * The load itself: autocannon against one route, with a fresh Idempotency-Key and a distinct
 * phone number per payment (the per-phone limit exists to protect real people, not to be
 * benchmarked), ids and references cycled for reads and webhooks.
 */
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface LoadOptions {
  url: string;
  connections: number;
  durationSec: number;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Path and body of the next request. */
  next: () => { path: string; body?: string; headers?: Record<string, string> };
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationSec,
    timeout: 10,
    requests: [
      {
        method: o.method,
        setupRequest: (req) => {
          const n = o.next();
          return { ...req, path: n.path, body: n.body, headers: { ...o.headers, ...n.headers } };
        },
      },
    ],
  });
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

let phoneSerial = 0;
/** A Benin MTN number ending in 04: FeexPay keeps it PENDING, so webhooks always re-query. */
export function nextPhone(runTag: number): string {
  phoneSerial += 1;
  return `22901${String((runTag * 1_000_000 + phoneSerial) % 1_000_000).padStart(6, '0')}04`;
}

export function paymentBody(phone: string): string {
  return JSON.stringify({ amount: 1500, currency: 'XOF', network: 'mtn', phone_number: phone, description: 'Bench order' });
}

let keySerial = 0;
export function nextKey(): string {
  keySerial += 1;
  return `bench-${process.pid}-${Date.now().toString(36)}-${keySerial}`;
}

export interface PathLatency {
  p50Ms: number;
  p99Ms: number;
  bytes: number;
}

/**
 * Sequential GETs that take the paths in turn, n of each: /metrics is what Prometheus would see,
 * /health/live beside it is the floor of the same client on the same machine at the same moments.
 */
export async function pathLatencies<P extends string>(url: string, n: number, paths: readonly P[]): Promise<Record<P, PathLatency>> {
  const times = new Map<P, number[]>(paths.map((p) => [p, []]));
  const bytes = new Map<P, number>();
  for (let i = 0; i < n; i++) {
    for (const p of paths) {
      const started = performance.now();
      const text = await (await fetch(url + p)).text();
      times.get(p)!.push(performance.now() - started);
      bytes.set(p, text.length);
    }
  }
  const result = {} as Record<P, PathLatency>;
  for (const p of paths) {
    const sorted = times.get(p)!.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    result[p] = { p50Ms: at(0.5), p99Ms: at(0.99), bytes: bytes.get(p)! };
  }
  return result;
}
