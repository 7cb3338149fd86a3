/**
 * One benchmark pass against a running service: create payments, read them, deliver webhooks
 * (each re-queried at FeexPay), scrape /metrics; RSS sampled during each, and the database's
 * transaction counters around the creation load.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { dbCounters, type BenchDatabase } from './database.ts';
import { nextKey, nextPhone, paymentBody, runLoad, scrapeLatency, type LoadResult } from './load.ts';
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
  metrics: { payments: number; p50Ms: number; p99Ms: number; bytes: number; rssMb: number };
  commitsPerPayment: number;
}

export interface PassOptions {
  connections: number;
  durationSec: number;
  runTag: number;
}

async function measured(service: Proc, scenario: string, work: () => Promise<LoadResult>): Promise<ScenarioResult> {
  const rss = sampleRss(service.pid);
  const cpuBefore = cpuSeconds(service.pid);
  const r = await work();
  const cpu = cpuSeconds(service.pid) - cpuBefore;
  const mem = rss.stop();
  return { scenario, ...r, rssMaxMb: mem.maxMb, rssMeanMb: mem.meanMb, cpuMsPerRequest: r.total ? (cpu * 1000) / r.total : 0 };
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

export async function runPass(service: Proc, b: BenchDatabase, o: PassOptions): Promise<PassResult> {
  await postLoad(service, b, o, 3); // warm-up: JIT, pool, caches
  await sleep(1_500);
  const before = await dbCounters(b);
  const paymentsBefore = await countRows(b.db('payments'));
  const post = await measured(service, 'POST /v1/payments', () => postLoad(service, b, o));
  await sleep(1_500);
  const after = await dbCounters(b);
  const createdInRun = (await countRows(b.db('payments'))) - paymentsBefore;

  const ids = (await b.db('payments').select('id').orderByRaw('random()').limit(5_000)).map((r) => r.id as string);
  const get = await measured(service, 'GET /v1/payments/:id', () => getLoad(service, b, ids, o));

  const targets = await pendingWithReference(b, 5_000);
  let k = 0;
  const webhook = await measured(service, 'POST /v1/webhooks/feexpay/:token', () =>
    runLoad({
      url: service.url,
      connections: o.connections,
      durationSec: o.durationSec,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      next: () => {
        const p = targets[k++ % targets.length]!;
        return { path: `/v1/webhooks/feexpay/${WEBHOOK_TOKEN}`, body: JSON.stringify({ reference: p.feexpay_reference, status: 'SUCCESSFUL', callback_info: p.id }) };
      },
    }),
  );

  // /metrics with at least 10,000 payments recorded by this process.
  const total = await countRows(b.db('payments'));
  if (total < 10_000) await postLoad(service, b, o, Math.ceil((10_000 - total) / Math.max(post.requestsPerSec, 100)) + 1);
  const recorded = await countRows(b.db('payments'));
  const scrape = await scrapeLatency(service.url, 200);
  const rss = sampleRss(service.pid).stop();

  return {
    scenarios: [post, get, webhook],
    metrics: { payments: recorded, ...scrape, rssMb: rss.maxMb },
    commitsPerPayment: createdInRun > 0 ? (after.commits - before.commits) / createdInRun : NaN,
  };
}
