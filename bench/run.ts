/**
 * `npm run bench [-- options]`: the service under load on PostgreSQL, as separate processes, beside
 * a minimal Fastify + pg reference server doing the same work per request.
 *
 *   --quick             a run of a few minutes: 4 s per segment, no /metrics pass, no growth,
 *                       5,000 event deliveries
 *   --duration <s>      seconds of each load per server per round (8; quick 4)
 *   --rounds <n>        interleaved rounds (3)
 *   --connections <n>   concurrent connections (50)
 *   --growth <list>     stored-payment steps, e.g. 10000,100000 (default), 0 or "none" to skip
 *   --growth-1m         adds the 1,000,000 step
 *   --events <n>        merchant event deliveries for bench/merchant-events.ts (20000; 0 skips it)
 *   --soak <s>          a long run of that many seconds after the rest (e.g. 600)
 *   --cpu-prof          the services write a V8 CPU profile to bench/results/prof
 *   --node-args=<flags> more Node flags for both services (e.g. --node-args=--max-semi-space-size=4)
 *   --database <url>    admin connection (BENCH_DATABASE_URL, TEST_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/test)
 *
 * Three servers, each on its own database (created and dropped), take the loads in interleaved
 * rounds, the order rotating: "off" is the service with LOG_LEVEL=silent and no SENTRY_DSN; "on"
 * is the service as Kubernetes and compose ship it: JSON logs at info on stdout and the LOG_DIR
 * files, Sentry errors and 10% traces (to a loopback fake); "ref" is bench/reference-server.mjs.
 * Metrics are collected in both builds of the service: it has no switch for them. The load
 * generator is wrk, its own process (bench/lib/load.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SIMULATOR_DEFAULT_API_KEY } from '../src/feexpay/simulator/options.ts';
import { benchAdminUrl, createBenchDatabase, type BenchDatabase } from './lib/database.ts';
import { runEventsBench } from './lib/events.ts';
import { startFakeSentry } from './lib/fake-sentry.ts';
import { runGrowth } from './lib/growth.ts';
import { ensureWrk, removeLinesFiles } from './lib/load.ts';
import { startReference, startService, startSimulatorProcess, type Proc } from './lib/processes.ts';
import { pct, ratiosOf, stealNote, writeReport, type BenchReport } from './lib/report.ts';
import { MODES, runPasses, type Mode, type PassOptions, type PassResult } from './lib/scenarios.ts';
import { OFF, serviceEnv, shipped } from './lib/service-env.ts';
import { runSoak, type SoakResult } from './lib/soak.ts';
import { countStatements } from './lib/statements.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    growth: { type: 'string' },
    'growth-1m': { type: 'boolean', default: false },
    events: { type: 'string' },
    soak: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'node-args': { type: 'string' },
    database: { type: 'string' },
  },
});

const quick = args.quick;
const adminUrl = benchAdminUrl(args.database);
const resultsDir = path.resolve('bench/results');
const logsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-bench-'));
const growthArg = args.growth ?? (quick ? 'none' : '10000,100000');
const growthSteps = [...(growthArg === 'none' || growthArg === '0' ? [] : growthArg.split(',').map(Number)), ...(args['growth-1m'] ? [1_000_000] : [])];
const events = Number(args.events ?? (quick ? 5_000 : 20_000));
const opts: PassOptions = { connections: Number(args.connections), durationSec: Number(args.duration ?? (quick ? 4 : 8)), rounds: Math.max(1, Number(args.rounds)), quick };
const log = (line: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** The commit measured, marked when src/ or bench/ (results aside) has uncommitted changes. */
function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench', ':!bench/results'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  ensureWrk(log);
  const extraArgs = args['node-args']?.split(' ').filter(Boolean) ?? [];
  const report: Partial<BenchReport> = {
    startedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadBefore: os.loadavg(), loadAfter: [], node: process.version },
    options: { ...opts, growthSteps, events, nodeArgs: extraArgs, soak: args.soak ?? null, adminUrl: adminUrl.replace(/\/\/[^@]*@/, '//***@'), commit: gitCommit() },
  };
  // Webhooks off: the creation load measures creation; the webhook load is driven directly.
  const simulator = await startSimulatorProcess({ SIMULATOR_SETTLE_DELAY_MS: '0' }, path.join(logsDir, 'simulator.log'));
  const sentry = await startFakeSentry();
  const profArgs = (label: string) => [
    ...extraArgs,
    ...(args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.join(resultsDir, 'prof'), '--cpu-prof-name', `${label}-${Date.now()}.cpuprofile`] : []),
  ];
  const observability = { off: OFF, on: shipped(logsDir, sentry.dsn) };
  let soak: SoakResult | null = null;
  try {
    const dbs = {} as Record<Mode, BenchDatabase>;
    for (const m of MODES) dbs[m] = await createBenchDatabase(adminUrl, m);
    const servers: Partial<Record<Mode, Proc>> = {};
    let passes: Record<Mode, PassResult>;
    try {
      for (const mode of ['off', 'on'] as const) {
        servers[mode] = await startService({ ...serviceEnv(dbs[mode].url, simulator.url), ...observability[mode] }, path.join(logsDir, `service-${mode}.log`), profArgs(mode));
      }
      servers.ref = await startReference(
        {
          DATABASE_URL: dbs.ref.url,
          FEEXPAY_BASE_URL: simulator.url,
          FEEXPAY_API_KEY: SIMULATOR_DEFAULT_API_KEY,
          FEEXPAY_SHOP_ID: 'simshop00000001',
          REFERENCE_API_KEY: dbs.ref.apiKey,
          REFERENCE_MERCHANT_ID: dbs.ref.merchantId,
        },
        path.join(logsDir, 'reference.log'),
      );
      for (const m of MODES) log(`${m}: pid ${servers[m]!.pid}, database ${dbs[m].name}`);
      passes = await runPasses(
        {
          off: { mode: 'off', service: servers.off!, db: dbs.off },
          on: { mode: 'on', service: servers.on!, db: dbs.on },
          ref: { mode: 'ref', service: servers.ref, db: dbs.ref },
        },
        opts,
      );
      for (const mode of MODES) {
        for (const s of passes[mode].scenarios) {
          log(
            `${mode} ${s.scenario}: ${s.requestsPerSec.toFixed(0)} req/s, p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms, non-2xx ${s.non2xx}, errors ${s.errors}, RSS max ${s.rssMaxMb.toFixed(0)} MB, CPU ${s.cpuMsPerRequest.toFixed(3)} ms/req, PostgreSQL ${s.pgServerMsPerRequest.toFixed(3)} ms/req (own database ${s.pgDatabaseMsPerRequest.toFixed(3)}), host steal ${pct(s.steal.mean)}% (worst segment ${pct(s.steal.max)}%)`,
          );
        }
        const m = passes[mode].metrics;
        if (m)
          log(
            `${mode} /metrics with ${m.payments} payments: p50 ${m.p50Ms.toFixed(1)} ms, p99 ${m.p99Ms.toFixed(1)} ms, ${m.bytes} bytes; /health/live p50 ${m.floor.p50Ms.toFixed(1)} ms, p99 ${m.floor.p99Ms.toFixed(1)} ms`,
          );
      }
      if (args.soak) {
        for (const m of ['off', 'ref'] as const) {
          await servers[m]?.stop();
          servers[m] = undefined;
        }
        soak = await runSoak(servers.on!, dbs.on, Number(args.soak), opts, log);
      }
    } finally {
      for (const m of MODES) await servers[m]?.stop();
      for (const m of MODES) await dbs[m].drop();
    }
    report.passes = passes;
    report.ratios = ratiosOf(passes);
    for (const r of report.ratios) log(`ratio ${r.name}: ${r.value.toFixed(2)} (target ${r.target})`);
    const steal = stealNote(passes);
    if (steal) log(steal);

    const sb = await createBenchDatabase(adminUrl, 'statements');
    try {
      report.statements = await countStatements(sb, simulator.url, SIMULATOR_DEFAULT_API_KEY);
      log(`statements: create ${report.statements.createPayment}, read ${report.statements.getPayment}, webhook ${report.statements.webhook}`);
    } finally {
      await sb.drop();
    }

    report.growth = await runGrowth(
      adminUrl,
      growthSteps,
      (url) => startService({ ...serviceEnv(url, simulator.url), ...observability.off }, path.join(logsDir, 'service-growth.log')),
      opts,
      log,
    );
    report.sentryEnvelopes = sentry.envelopes();
    report.soak = soak;
  } finally {
    await simulator.stop();
    await sentry.close();
    removeLinesFiles();
  }
  report.events = events > 0 ? await runEventsBench(events, quick, log) : null;
  report.machine!.loadAfter = os.loadavg();
  const written = writeReport(resultsDir, report as BenchReport);
  log(`results: ${written.md} and ${written.json}; service logs in ${logsDir}`);
}

await main();
