/**
 * `npm run bench:compare -- [options] '<variants>'`: variants of the service under the same load,
 * in interleaved rounds, for the A/B measurements of docs/benchmarks.md. Where `npm run bench`
 * compares the service with the reference, this compares the service with itself: an environment
 * setting, a Node flag, a schema change or another commit's build against the shipped one.
 *
 *   --load get|post     GET /v1/payments/:id (default) or POST /v1/payments
 *   --rounds <n>        interleaved rounds (4), the order rotating
 *   --duration <s>      seconds of load per variant and round (5)
 *   --connections <n>   concurrent connections (50)
 *   --database <url>    admin connection (as for npm run bench)
 *
 * Variants, a JSON object of name -> spec:
 *   observability  "off" (default) or "shipped", as `npm run bench` runs them
 *   env            more environment variables
 *   nodeArgs       more Node flags (after the start script's own)
 *   sql            run on the variant's database after its migrations (a schema variant)
 *   cwd            another checkout whose build/ is started with its own start command (a worktree
 *                  of the commit to compare against, built with `npm run build` there)
 * e.g. '{"off":{},"shipped":{"observability":"shipped"},"warn":{"observability":"shipped","env":{"LOG_LEVEL":"warn"}}}'
 *
 * Printed per variant: the service's CPU per request, its database's backends' CPU per request,
 * requests per second, RSS and the host's steal time (a round with much of it says more about the
 * host than about the variant), each per round and as a mean, and the share of HOT updates among
 * the payments table's updates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchAdminUrl, createBenchDatabase, type BenchDatabase } from './lib/database.ts';
import { startFakeSentry } from './lib/fake-sentry.ts';
import { ensureWrk, removeLinesFiles } from './lib/load.ts';
import { samplePostgresCpu } from './lib/postgres-cpu.ts';
import { cpuSeconds, sampleRss, sampleSteal, startService, startSimulatorProcess, type Proc } from './lib/processes.ts';
import { getLoad, postLoad, type PassOptions } from './lib/scenarios.ts';
import { OFF, serviceEnv, shipped } from './lib/service-env.ts';

interface VariantSpec {
  observability?: 'off' | 'shipped';
  env?: Record<string, string>;
  nodeArgs?: string[];
  sql?: string;
  cwd?: string;
}

interface Side {
  name: string;
  service: Proc;
  db: BenchDatabase;
  ids: string[];
  rounds: { cpuMs: number; pgMs: number; rps: number; rssMb: number; stealPct: number }[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    load: { type: 'string', default: 'get' },
    rounds: { type: 'string', default: '4' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    database: { type: 'string' },
  },
});

const variants = JSON.parse(positionals[0] ?? '{"off":{},"shipped":{"observability":"shipped"}}') as Record<string, VariantSpec>;
const adminUrl = benchAdminUrl(args.database);
const o: PassOptions = { connections: Number(args.connections), durationSec: Number(args.duration), rounds: Math.max(1, Number(args.rounds)), quick: true };
const logsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-compare-'));
const load = (s: Side) => (args.load === 'post' ? postLoad(s.service, s.db, o) : getLoad(s.service, s.db, s.ids, o));

type Round = Side['rounds'][number];
/** What is printed of the rounds: label, the figure, decimals. */
const COLUMNS: [string, (r: Round) => number, number][] = [
  ['CPU ms/req', (r) => r.cpuMs, 3],
  ['PostgreSQL ms/req', (r) => r.pgMs, 3],
  ['req/s', (r) => r.rps, 0],
  ['RSS max MB', (r) => r.rssMb, 0],
  ['host steal %', (r) => r.stealPct, 1],
];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const row = (xs: number[], digits: number) => `${mean(xs).toFixed(digits)} (${xs.map((x) => x.toFixed(digits)).join(' ')})`;

async function main(): Promise<void> {
  ensureWrk((line) => process.stdout.write(`${line}\n`));
  const simulator = await startSimulatorProcess({ SIMULATOR_SETTLE_DELAY_MS: '0' }, path.join(logsDir, 'simulator.log'));
  const sentry = await startFakeSentry();
  const sides: Side[] = [];
  try {
    for (const [name, spec] of Object.entries(variants)) {
      const db = await createBenchDatabase(adminUrl, name.replace(/\W/g, '').toLowerCase());
      if (spec.sql) await db.db.raw(spec.sql);
      const observability = spec.observability === 'shipped' ? shipped(path.join(logsDir, name), sentry.dsn) : OFF;
      const env = { ...serviceEnv(db.url, simulator.url), ...observability, ...spec.env };
      const service = await startService(env, path.join(logsDir, `service-${name}.log`), spec.nodeArgs ?? [], spec.cwd);
      sides.push({ name, service, db, ids: [], rounds: [] });
    }
    // Warm-up, and the payments the reads read.
    for (const s of sides) {
      await postLoad(s.service, s.db, o, 3);
      s.ids = ((await s.db.db('payments').select('id').limit(5_000)) as { id: string }[]).map((r) => r.id);
      if (args.load !== 'post') await getLoad(s.service, s.db, s.ids, o, 3);
    }
    for (let round = 0; round < o.rounds; round++) {
      for (let k = 0; k < sides.length; k++) {
        const s = sides[(round + k) % sides.length]!;
        const cpu0 = cpuSeconds(s.service.pid);
        const pg = samplePostgresCpu(s.db.name);
        const rss = sampleRss(s.service.pid);
        const steal = sampleSteal();
        const r = await load(s);
        const cpuMs = ((cpuSeconds(s.service.pid) - cpu0) * 1000) / r.total;
        s.rounds.push({ cpuMs, pgMs: (pg.stop().databaseSeconds * 1000) / r.total, rps: r.requestsPerSec, rssMb: rss.stop().maxMb, stealPct: 100 * steal.stop() });
      }
    }
    console.log(`${args.load === 'post' ? 'POST /v1/payments' : 'GET /v1/payments/:id'}, ${o.connections} connections, ${o.rounds} rounds of ${o.durationSec} s`);
    for (const s of sides) {
      const [updates] = (
        (await s.db.db.raw(`SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'payments'`)) as { rows: { n_tup_upd: string; n_tup_hot_upd: string }[] }
      ).rows;
      const hot = updates && Number(updates.n_tup_upd) > 0 ? `${((100 * Number(updates.n_tup_hot_upd)) / Number(updates.n_tup_upd)).toFixed(0)}%` : 'n/a';
      const columns = COLUMNS.map(([label, of, digits]) => `${label} ${row(s.rounds.map(of), digits)}`);
      console.log(`${s.name}: ${columns.join('; ')}; HOT updates ${hot}`);
    }
  } finally {
    for (const s of sides) {
      await s.service.stop();
      await s.db.drop();
    }
    await simulator.stop();
    await sentry.close();
    removeLinesFiles();
  }
}

await main();
