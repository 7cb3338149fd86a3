/**
 * `npm run bench:events [-- --events 20000 --load-seconds 10]`: merchant event delivery of the
 * compiled service on PostgreSQL, to a receiver in this process that verifies every delivery
 * with standardwebhooks.
 *
 * 1. Throughput: `--events` deliveries at once: that many pending payments, divided by
 *    `--endpoints` (each event goes to every endpoint, one merchant's), settled in one statement;
 *    measured from that commit to the last delivery received. Per endpoint, at most
 *    MERCHANT_WEBHOOK_PER_ENDPOINT_CONCURRENCY (8) attempts run at once, so one endpoint alone
 *    is bound by its round trip; the default spreads the load over 8 endpoints.
 * 2. Latency under payment load: payments are created through the API for `--load-seconds`
 *    (the simulator refuses them at once, so each POST is a transition and an event), and the
 *    time from each event's timestamp to its arrival is taken at the receiver.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { SIMULATOR_DEFAULT_API_KEY } from '../src/feexpay/simulator/options.ts';
import { benchAdminUrl, createBenchDatabase } from './lib/database.ts';
import { cpuSeconds, startService, startSimulatorProcess } from './lib/processes.ts';
import { WEBHOOK_TOKEN } from './lib/scenarios.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    'load-seconds': { type: 'string', default: '10' },
    'load-concurrency': { type: 'string', default: '16' },
    'per-endpoint': { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '64' },
    endpoints: { type: 'string', default: '8' },
    database: { type: 'string' },
  },
});
const adminUrl = benchAdminUrl(args.database);
const log = (line: string) => process.stdout.write(`[bench:events ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

interface Receiver {
  url: string;
  /** Distinct deliveries: endpoint path and event id. */
  ids: Set<string>;
  received: number;
  /** ms from the event's timestamp to its arrival, for events received while `sampling`. */
  latencies: number[];
  sampling: boolean;
  lastAt: number;
  /** The secret of endpoint i, whose path is /events/i. */
  setSecrets(secrets: string[]): void;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  let hooks: Webhook[] = [];
  const r: Receiver = {
    url: '',
    ids: new Set(),
    received: 0,
    latencies: [],
    sampling: false,
    lastAt: 0,
    setSecrets: (list) => (hooks = list.map((x) => new Webhook(x))),
    close: async () => undefined,
  };
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const wh = hooks[Number((req.url ?? '').split('/').pop())]!;
      const event = wh.verify(body, req.headers as Record<string, string>) as { id: string; timestamp: string };
      r.received += 1;
      r.ids.add(`${req.url} ${event.id}`);
      r.lastAt = Date.now();
      if (r.sampling) r.latencies.push(r.lastAt - new Date(event.timestamp).getTime());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/events`;
  r.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

async function main(): Promise<void> {
  const events = Number(args.events);
  const logsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-bench-events-'));
  const bench = await createBenchDatabase(adminUrl, 'events');
  const rx = await startReceiver();
  const simulator = await startSimulatorProcess({ SIMULATOR_SETTLE_DELAY_MS: '0' }, path.join(logsDir, 'simulator.log'));
  const service = await startService(
    {
      DATABASE_URL: bench.url,
      MIGRATE_ON_START: 'false',
      FEEXPAY_API_KEY: SIMULATOR_DEFAULT_API_KEY,
      FEEXPAY_SHOP_ID: 'simshop00000001',
      FEEXPAY_BASE_URL: simulator.url,
      WEBHOOK_TOKEN,
      RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_PHONE_PER_HOUR: '10000',
      // Live mode (a FeexPay key) refuses loopback endpoints; the receiver is on loopback.
      MERCHANT_WEBHOOK_ALLOW_PRIVATE: 'true',
      MERCHANT_WEBHOOK_PER_ENDPOINT_CONCURRENCY: args['per-endpoint'],
      MERCHANT_WEBHOOK_CONCURRENCY: args.concurrency,
      RECONCILER_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    path.join(logsDir, 'service.log'),
  ).catch(async (err: unknown) => {
    await simulator.stop();
    await rx.close();
    await bench.drop();
    throw err;
  });
  const api = (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(service.url + p, {
      method,
      headers: { authorization: `Bearer ${bench.apiKey}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  try {
    // Endpoint i is /events/i on the receiver, which checks each delivery with that endpoint's secret.
    const secrets: string[] = [];
    for (let i = 0; i < Number(args.endpoints); i++) {
      const ep = (await (await api('POST', '/v1/webhook_endpoints', { url: `${rx.url}/${i}` })).json()) as { secret: string };
      secrets.push(ep.secret);
    }
    rx.setSecrets(secrets);

    log(`throughput: settling ${Math.ceil(events / Number(args.endpoints))} payments in one statement, ${args.endpoints} endpoints`);
    const later = new Date(Date.now() + 86_400_000);
    const ids = Array.from({ length: Math.ceil(events / Number(args.endpoints)) }, () => randomUUID());
    for (let i = 0; i < ids.length; i += 5000) {
      await bench.db('payments').insert(
        ids.slice(i, i + 5000).map((id, j) => ({
          id,
          merchant_id: bench.merchantId,
          amount: 1000 + j,
          currency: 'XOF',
          network: 'mtn',
          phone_number: '2290167000003',
          next_check_at: later,
          expires_at: later,
        })),
      );
    }
    const cpu0 = cpuSeconds(service.pid);
    const ownCpu0 = process.cpuUsage();
    const t0 = Date.now();
    await bench.db.raw(`UPDATE payments SET status = 'failed', failure_reason = 'cancelled', status_source = 'webhook' WHERE merchant_id = ? AND status = 'pending'`, [
      bench.merchantId,
    ]);
    const committed = Date.now();
    const deliveries = ids.length * Number(args.endpoints);
    while (rx.ids.size < deliveries && Date.now() - t0 < 300_000) await new Promise((r) => setTimeout(r, 50));
    const seconds = (rx.lastAt - committed) / 1000;
    const throughput = {
      deliveries,
      endpoints: Number(args.endpoints),
      delivered: rx.ids.size,
      received: rx.received,
      seconds,
      perSecond: Math.round(rx.ids.size / seconds),
      transitionStatementMs: committed - t0,
      serviceCpuSeconds: cpuSeconds(service.pid) - cpu0,
      receiverCpuSeconds: (() => {
        const u = process.cpuUsage(ownCpu0);
        return (u.user + u.system) / 1e6;
      })(),
      loadAverage: os.loadavg()[0] ?? NaN,
    };
    log(
      `throughput: ${throughput.delivered}/${deliveries} delivered to ${args.endpoints} endpoints (${throughput.received} received) in ${seconds.toFixed(2)} s: ${throughput.perSecond}/s, service CPU ${throughput.serviceCpuSeconds.toFixed(1)} s, receiver CPU ${throughput.receiverCpuSeconds.toFixed(1)} s, load ${throughput.loadAverage.toFixed(1)}`,
    );

    log(`latency: creating payments for ${args['load-seconds']} s at ${args['load-concurrency']} concurrent requests`);
    rx.sampling = true;
    const until = Date.now() + Number(args['load-seconds']) * 1000;
    let created = 0;
    let n = 0;
    await Promise.all(
      Array.from({ length: Number(args['load-concurrency']) }, async () => {
        while (Date.now() < until) {
          const res = await api(
            'POST',
            '/v1/payments',
            { amount: 1500, currency: 'XOF', network: 'mtn', phone_number: `2290167${String(++n % 10000).padStart(4, '0')}03` },
            { 'idempotency-key': randomUUID() },
          );
          if (res.status === 201) created += 1;
          await res.arrayBuffer();
        }
      }),
    );
    const expected = deliveries + created * Number(args.endpoints);
    while (rx.ids.size < expected && Date.now() - until < 30_000) await new Promise((r) => setTimeout(r, 50));
    const sorted = [...rx.latencies].sort((a, b) => a - b);
    const latency = {
      payments: created,
      paymentsPerSecond: Math.round(created / Number(args['load-seconds'])),
      delivered: rx.latencies.length,
      p50Ms: quantile(sorted, 0.5),
      p95Ms: quantile(sorted, 0.95),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? NaN,
    };
    log(
      `latency under load: ${latency.payments} payments (${latency.paymentsPerSecond}/s), event to receipt p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms`,
    );
    const duplicates = rx.received - rx.ids.size;
    const report = {
      at: new Date().toISOString(),
      perEndpointConcurrency: Number(args['per-endpoint']),
      concurrency: Number(args.concurrency),
      throughput,
      latency,
      duplicates,
      cpus: os.cpus().length,
    };
    const file = path.resolve(`bench/results/merchant-events-${report.at.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    log(`duplicates received: ${duplicates}; report: ${path.relative(process.cwd(), file)}`);
  } finally {
    await service.stop();
    await simulator.stop();
    await rx.close();
    await bench.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
