/**
 * The benchmark passes against two running services, one without observability and one with it:
 * create payments, read them, deliver webhooks (each re-queried at FeexPay), scrape /metrics; RSS
 * and CPU sampled during each, and the database's transaction counters around the creation load.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { dbCounters, samplePaymentIds, type BenchDatabase } from './database.ts';
import { nextKey, nextPhone, paymentBody, pathLatencies, runLoad, type LoadResult } from './load.ts';
import { cpuSeconds, sampleRss, type Proc } from './processes.ts';

export const WEBHOOK_TOKEN = 'bench-webhook-token-0123456789';

export interface ScenarioResult extends LoadResult {
  scenario: string;
  rssMaxMb: number;
  rssMeanMb: number;
  /** CPU seconds the service used per 1,000 requests. */
  cpuMsPerRequest: number;
}

export interface PassResult {
  scenarios: ScenarioResult[];
  /** /metrics latency, and /health/live's from the same client in the same loop (the floor). */
  metrics: { payments: number; p50Ms: number; p99Ms: number; bytes: number; rssMb: number; floor: { p50Ms: number; p99Ms: number } };
  commitsPerPayment: number;
}

export interface PassOptions {
  connections: number;
  /** Seconds of each load per build, split over its turns. */
  durationSec: number;
  /** Turns per build (2: off, on, on, off). */
  turns: number;
  runTag: number;
}

export type Mode = 'off' | 'on';

/** One service under test with its own database; runTag keeps phone numbers apart. */
export interface Side {
  mode: Mode;
  service: Proc;
  db: BenchDatabase;
  runTag: number;
}

interface Segment {
  r: LoadResult;
  cpuSeconds: number;
  rss: { maxMb: number; meanMb: number };
}

async function segment(side: Side, work: () => Promise<LoadResult>): Promise<Segment> {
  const rss = sampleRss(side.service.pid);
  const before = cpuSeconds(side.service.pid);
  const r = await work();
  return { r, cpuSeconds: cpuSeconds(side.service.pid) - before, rss: rss.stop() };
}

/** Segments of equal length: rates and latency percentiles are their means, counts their sums. */
function merge(scenario: string, parts: Segment[]): ScenarioResult {
  const mean = (f: (p: Segment) => number) => parts.reduce((sum, p) => sum + f(p), 0) / parts.length;
  const sum = (f: (p: Segment) => number) => parts.reduce((acc, p) => acc + f(p), 0);
  const total = sum((p) => p.r.total);
  return {
    scenario,
    requestsPerSec: mean((p) => p.r.requestsPerSec),
    p50Ms: mean((p) => p.r.p50Ms),
    p99Ms: mean((p) => p.r.p99Ms),
    total,
    non2xx: sum((p) => p.r.non2xx),
    errors: sum((p) => p.r.errors),
    timeouts: sum((p) => p.r.timeouts),
    rssMaxMb: Math.max(...parts.map((p) => p.rss.maxMb)),
    rssMeanMb: mean((p) => p.rss.meanMb),
    cpuMsPerRequest: total ? (sum((p) => p.cpuSeconds) * 1000) / total : 0,
  };
}

/**
 * Both builds under the same load in turns, off, on, on, off (and again, with more turns), each
 * for an equal share of the duration: the machine's speed drifts (other tenants, PostgreSQL's
 * background work), and this order puts the same drift on both sides of the ratio, where two
 * passes one after the other did not.
 */
async function interleaved(scenario: string, sides: Record<Mode, Side>, o: PassOptions, work: (side: Side, seconds: number) => Promise<LoadResult>): Promise<Record<Mode, ScenarioResult>> {
  const parts: Record<Mode, Segment[]> = { off: [], on: [] };
  const order = Array.from({ length: o.turns }, (_, i) => (i % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const))).flat();
  for (const mode of order) {
    parts[mode].push(await segment(sides[mode], () => work(sides[mode], o.durationSec / o.turns)));
  }
  return { off: merge(scenario, parts.off), on: merge(scenario, parts.on) };
}

export function postLoad(service: Proc, b: BenchDatabase, o: PassOptions, durationSec = o.durationSec): Promise<LoadResult> {
  return runLoad({
    url: service.url,
    connections: o.connections,
    durationSec,
    method: 'POST',
    headers: { authorization: `Bearer ${b.apiKey}`, 'content-type': 'application/json' },
    next: () => ({ path: '/v1/payments', body: paymentBody(nextPhone(o.runTag)), headers: { 'idempotency-key': nextKey() } }),
  });
}

export function getLoad(service: Proc, b: BenchDatabase, ids: string[], o: PassOptions, durationSec = o.durationSec): Promise<LoadResult> {
  let i = 0;
  return runLoad({
    url: service.url,
    connections: o.connections,
    durationSec,
    method: 'GET',
    headers: { authorization: `Bearer ${b.apiKey}` },
    next: () => ({ path: `/v1/payments/${ids[i++ % ids.length]}` }),
  });
}

async function countRows(q: Knex.QueryBuilder): Promise<number> {
  const rows = (await q.count('* as n')) as { n: number | string }[];
  return Number(rows[0]?.n ?? 0);
}

async function pendingWithReference(b: BenchDatabase, n: number): Promise<{ id: string; feexpay_reference: string }[]> {
  return b.db('payments').where('status', 'pending').whereNotNull('feexpay_reference').whereNot('feexpay_reference', 'like', 'seed-%').select('id', 'feexpay_reference').limit(n);
}

function webhookLoad(side: Side, targets: { id: string; feexpay_reference: string }[], o: PassOptions, durationSec: number): Promise<LoadResult> {
  let k = 0;
  return runLoad({
    url: side.service.url,
    connections: o.connections,
    durationSec,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    next: () => {
      const p = targets[k++ % targets.length]!;
      return { path: `/v1/webhooks/feexpay/${WEBHOOK_TOKEN}`, body: JSON.stringify({ reference: p.feexpay_reference, status: 'SUCCESSFUL', callback_info: p.id }) };
    },
  });
}

/** The /metrics figures of one service, with at least 10,000 payments recorded by it. */
async function metricsOf(side: Side, o: PassOptions, postRate: number): Promise<PassResult['metrics']> {
  let recorded = await countRows(side.db.db('payments'));
  while (recorded < 10_000) {
    await postLoad(side.service, side.db, { ...o, runTag: side.runTag }, Math.ceil((10_000 - recorded) / Math.max(postRate, 100)) + 1);
    const before = recorded;
    recorded = await countRows(side.db.db('payments'));
    if (recorded === before) throw new Error(`the ${side.mode} service created no payment while topping up to 10,000`);
  }
  const scrape = await pathLatencies(side.service.url, 200, ['/metrics', '/health/live']);
  const floor = scrape['/health/live'];
  return { payments: recorded, ...scrape['/metrics'], floor: { p50Ms: floor.p50Ms, p99Ms: floor.p99Ms }, rssMb: sampleRss(side.service.pid).stop().maxMb };
}

/** The uninstrumented and the instrumented build, each on its own database, measured side by side. */
export async function runPasses(sides: Record<Mode, Side>, o: PassOptions): Promise<Record<Mode, PassResult>> {
  const modes = ['off', 'on'] as const;
  const tagged = (side: Side): PassOptions => ({ ...o, runTag: side.runTag });
  for (const m of modes) await postLoad(sides[m].service, sides[m].db, tagged(sides[m]), 3); // warm-up: JIT, pool, caches
  await sleep(1_500);
  const before = { off: await dbCounters(sides.off.db), on: await dbCounters(sides.on.db) };
  const paymentsBefore = { off: await countRows(sides.off.db.db('payments')), on: await countRows(sides.on.db.db('payments')) };
  const post = await interleaved('POST /v1/payments', sides, o, (side, sec) => postLoad(side.service, side.db, tagged(side), sec));
  await sleep(1_500);
  const commitsPerPayment = {} as Record<Mode, number>;
  for (const m of modes) {
    const created = (await countRows(sides[m].db.db('payments'))) - paymentsBefore[m];
    commitsPerPayment[m] = created > 0 ? ((await dbCounters(sides[m].db)).commits - before[m].commits) / created : NaN;
  }

  const ids = { off: await samplePaymentIds(sides.off.db, 5_000), on: await samplePaymentIds(sides.on.db, 5_000) };
  const get = await interleaved('GET /v1/payments/:id', sides, o, (side, sec) => getLoad(side.service, side.db, ids[side.mode], o, sec));
  const targets = { off: await pendingWithReference(sides.off.db, 5_000), on: await pendingWithReference(sides.on.db, 5_000) };
  const webhook = await interleaved('POST /v1/webhooks/feexpay/:token', sides, o, (side, sec) => webhookLoad(side, targets[side.mode], o, sec));

  const result = {} as Record<Mode, PassResult>;
  for (const m of modes) {
    result[m] = { scenarios: [post[m], get[m], webhook[m]], metrics: await metricsOf(sides[m], o, post[m].requestsPerSec), commitsPerPayment: commitsPerPayment[m] };
  }
  return result;
}
