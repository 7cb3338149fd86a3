/**
 * The benchmark passes against three running servers: the service without observability ("off"),
 * the service as shipped ("on": JSON logs at info with the LOG_DIR files, Sentry with 10% traces)
 * and the minimal reference server ("ref", bench/reference-server.mjs). They create payments and
 * read them in interleaved rounds; the two services also take webhooks (each re-queried at
 * FeexPay) and /metrics scrapes. RSS, the server's CPU and PostgreSQL's CPU are sampled around
 * each segment, the database's transaction counters around the creation load.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { dbCounters, samplePaymentIds, type BenchDatabase } from './database.ts';
import { keyPrefix, linesFile, pathLatencies, runLoad, type LoadResult } from './load.ts';
import { samplePostgresCpu } from './postgres-cpu.ts';
import { cpuSeconds, sampleRss, sampleSteal, type Proc } from './processes.ts';
import { sampleValue } from './prometheus-text.ts';
import { BATCHED_STATEMENTS, serviceMetrics } from '../../src/metrics/catalog.ts';

export const WEBHOOK_TOKEN = 'bench-webhook-token-0123456789';

export interface ScenarioResult extends LoadResult {
  scenario: string;
  rssMaxMb: number;
  rssMeanMb: number;
  /** CPU ms the server process used per request. */
  cpuMsPerRequest: number;
  /** PostgreSQL CPU ms per answered request: every server process, and the backends of this side's database. */
  pgServerMsPerRequest: number;
  pgDatabaseMsPerRequest: number;
  /** The host's steal time, as a share of the machine's CPU: mean and worst of the segments. */
  steal: { mean: number; max: number };
}

export interface PassResult {
  scenarios: ScenarioResult[];
  /** /metrics latency, and /health/live's from the same client in the same loop (the floor). */
  metrics: { payments: number; p50Ms: number; p99Ms: number; bytes: number; rssMb: number; floor: { p50Ms: number; p99Ms: number } } | null;
  commitsPerPayment: number;
  /** Payments per shared statement of the creation load, by statement (the services' feexpay_db_batched_statement_rows). */
  rowsPerStatement: Record<BatchedStatement, number> | null;
}

type BatchedStatement = (typeof BATCHED_STATEMENTS)[number];

export interface PassOptions {
  connections: number;
  /** Seconds of each load per server per round. */
  durationSec: number;
  /** Interleaved rounds: each server takes each load once per round, the order rotating. */
  rounds: number;
  /** Skips the /metrics pass, which first tops each service up to 10,000 payments. */
  quick?: boolean;
}

export type Mode = 'off' | 'on' | 'ref';
export const MODES = ['off', 'on', 'ref'] as const;

/** One server under test with its own database. */
export interface Side {
  mode: Mode;
  service: Proc;
  db: BenchDatabase;
}

interface Segment {
  r: LoadResult;
  cpuSeconds: number;
  pg: { serverSeconds: number; databaseSeconds: number };
  rss: { maxMb: number; meanMb: number };
  steal: number;
}

async function segment(side: Side, work: () => Promise<LoadResult>): Promise<Segment> {
  const rss = sampleRss(side.service.pid);
  const pg = samplePostgresCpu(side.db.name);
  const steal = sampleSteal();
  const before = cpuSeconds(side.service.pid);
  const r = await work();
  return { r, cpuSeconds: cpuSeconds(side.service.pid) - before, pg: pg.stop(), rss: rss.stop(), steal: steal.stop() };
}

/** Segments of equal length: rates and latency percentiles are their means, counts their sums. */
function merge(scenario: string, parts: Segment[]): ScenarioResult {
  const mean = (f: (p: Segment) => number) => parts.reduce((sum, p) => sum + f(p), 0) / parts.length;
  const sum = (f: (p: Segment) => number) => parts.reduce((acc, p) => acc + f(p), 0);
  const total = sum((p) => p.r.total);
  const answered = total - sum((p) => p.r.non2xx);
  const perRequest = (seconds: number, n: number) => (n > 0 ? (seconds * 1000) / n : NaN);
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
    cpuMsPerRequest: perRequest(
      sum((p) => p.cpuSeconds),
      total,
    ),
    pgServerMsPerRequest: perRequest(
      sum((p) => p.pg.serverSeconds),
      answered,
    ),
    pgDatabaseMsPerRequest: perRequest(
      sum((p) => p.pg.databaseSeconds),
      answered,
    ),
    steal: { mean: mean((p) => p.steal), max: Math.max(...parts.map((p) => p.steal)) },
  };
}

/**
 * The servers under the same load in rounds, each for the same time per round, the order rotating
 * (off, on, ref; then on, ref, off; ...): the machine's speed drifts (other tenants, PostgreSQL's
 * background work), and rotation puts the same drift on every side of a ratio, where passes one
 * after the other did not.
 */
async function interleaved<M extends Mode>(
  scenario: string,
  sides: Record<M, Side>,
  modes: readonly M[],
  o: PassOptions,
  work: (side: Side, seconds: number) => Promise<LoadResult>,
): Promise<Record<M, ScenarioResult>> {
  const parts = Object.fromEntries(modes.map((m) => [m, [] as Segment[]])) as Record<M, Segment[]>;
  for (let round = 0; round < o.rounds; round++) {
    for (let k = 0; k < modes.length; k++) {
      const mode = modes[(round + k) % modes.length]!;
      parts[mode].push(await segment(sides[mode], () => work(sides[mode], o.durationSec)));
    }
  }
  return Object.fromEntries(modes.map((m) => [m, merge(scenario, parts[m])])) as Record<M, ScenarioResult>;
}

export function postLoad(service: Proc, b: BenchDatabase, o: PassOptions, durationSec = o.durationSec): Promise<LoadResult> {
  return runLoad({
    url: service.url,
    connections: o.connections,
    durationSec,
    script: 'post',
    args: [b.apiKey, keyPrefix(), String(Math.floor(Math.random() * 1_000_000))],
  });
}

export function getLoad(service: Proc, b: BenchDatabase, ids: string[], o: PassOptions, durationSec = o.durationSec): Promise<LoadResult> {
  return runLoad({ url: service.url, connections: o.connections, durationSec, script: 'get', args: [b.apiKey, linesFile(ids)] });
}

async function countRows(q: Knex.QueryBuilder): Promise<number> {
  const rows = (await q.count('* as n')) as { n: number | string }[];
  return Number(rows[0]?.n ?? 0);
}

async function pendingWithReference(b: BenchDatabase, n: number): Promise<{ id: string; feexpay_reference: string }[]> {
  return b.db('payments').where('status', 'pending').whereNotNull('feexpay_reference').whereNot('feexpay_reference', 'like', 'seed-%').select('id', 'feexpay_reference').limit(n);
}

function webhookLoad(side: Side, targets: string, o: PassOptions, durationSec: number): Promise<LoadResult> {
  return runLoad({ url: side.service.url, connections: o.connections, durationSec, script: 'webhook', args: [`/v1/webhooks/feexpay/${WEBHOOK_TOKEN}`, targets] });
}

/** The /metrics figures of one service, with at least 10,000 payments recorded by it. */
async function metricsOf(side: Side, o: PassOptions, postRate: number): Promise<NonNullable<PassResult['metrics']>> {
  let recorded = await countRows(side.db.db('payments'));
  while (recorded < 10_000) {
    await postLoad(side.service, side.db, o, Math.ceil((10_000 - recorded) / Math.max(postRate, 100)) + 1);
    const before = recorded;
    recorded = await countRows(side.db.db('payments'));
    if (recorded === before) throw new Error(`the ${side.mode} service created no payment while topping up to 10,000`);
  }
  const scrape = await pathLatencies(side.service.url, 200, ['/metrics', '/health/live']);
  const floor = scrape['/health/live'];
  return { payments: recorded, ...scrape['/metrics'], floor: { p50Ms: floor.p50Ms, p99Ms: floor.p99Ms }, rssMb: sampleRss(side.service.pid).stop().maxMb };
}

/**
 * Starts counting a service's shared statements (its feexpay_db_batched_statement_rows); `stop()`
 * answers the payments per statement since, by statement.
 */
async function countBatches(url: string): Promise<{ stop(): Promise<Record<BatchedStatement, number>> }> {
  const read = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const of = (suffix: string, st: BatchedStatement) => sampleValue(text, `${serviceMetrics.batchedStatementRows.name}_${suffix}{statement="${st}"}`) ?? 0;
    return BATCHED_STATEMENTS.map((st) => ({ sum: of('sum', st), count: of('count', st) }));
  };
  const before = await read();
  return {
    async stop() {
      const after = await read();
      return Object.fromEntries(BATCHED_STATEMENTS.map((st, i) => [st, (after[i]!.sum - before[i]!.sum) / (after[i]!.count - before[i]!.count)])) as Record<
        BatchedStatement,
        number
      >;
    },
  };
}

/** The two builds of the service and the reference, each on its own database, measured in interleaved rounds. */
export async function runPasses(sides: Record<Mode, Side>, o: PassOptions): Promise<Record<Mode, PassResult>> {
  for (const m of MODES) await postLoad(sides[m].service, sides[m].db, o, 3); // warm-up: JIT, pool, caches
  await sleep(1_500);
  const before = {} as Record<Mode, number>;
  const paymentsBefore = {} as Record<Mode, number>;
  for (const m of MODES) {
    before[m] = (await dbCounters(sides[m].db)).commits;
    paymentsBefore[m] = await countRows(sides[m].db.db('payments'));
  }
  const services = ['off', 'on'] as const;
  const batches = { off: await countBatches(sides.off.service.url), on: await countBatches(sides.on.service.url) };
  const post = await interleaved('POST /v1/payments', sides, MODES, o, (side, sec) => postLoad(side.service, side.db, o, sec));
  const rowsPerStatement = { off: await batches.off.stop(), on: await batches.on.stop() };
  await sleep(1_500);
  const commitsPerPayment = {} as Record<Mode, number>;
  for (const m of MODES) {
    const created = (await countRows(sides[m].db.db('payments'))) - paymentsBefore[m];
    commitsPerPayment[m] = created > 0 ? ((await dbCounters(sides[m].db)).commits - before[m]) / created : NaN;
  }

  const ids = {} as Record<Mode, string[]>;
  for (const m of MODES) ids[m] = await samplePaymentIds(sides[m].db, 5_000);
  const get = await interleaved('GET /v1/payments/:id', sides, MODES, o, (side, sec) => getLoad(side.service, side.db, ids[side.mode], o, sec));
  const targets = {} as Record<Mode, string>;
  for (const m of services) targets[m] = linesFile((await pendingWithReference(sides[m].db, 5_000)).map((p) => `${p.id} ${p.feexpay_reference}`));
  const webhook = await interleaved('POST /v1/webhooks/feexpay/:token', sides, services, o, (side, sec) => webhookLoad(side, targets[side.mode], o, sec));

  const result = {} as Record<Mode, PassResult>;
  for (const m of services) {
    result[m] = {
      scenarios: [post[m], get[m], webhook[m]],
      metrics: o.quick ? null : await metricsOf(sides[m], o, post[m].requestsPerSec),
      commitsPerPayment: commitsPerPayment[m],
      rowsPerStatement: rowsPerStatement[m],
    };
  }
  result.ref = { scenarios: [post.ref, get.ref], metrics: null, commitsPerPayment: commitsPerPayment.ref, rowsPerStatement: null };
  return result;
}
