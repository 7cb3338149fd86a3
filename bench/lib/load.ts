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

/** Sequential scrapes of /metrics: latency percentiles of what Prometheus would see. */
export async function scrapeLatency(url: string, n: number): Promise<{ p50Ms: number; p99Ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const text = await (await fetch(`${url}/metrics`)).text();
    times.push(performance.now() - started);
    bytes = text.length;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50Ms: at(0.5), p99Ms: at(0.99), bytes };
}
