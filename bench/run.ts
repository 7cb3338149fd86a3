/**
 * `npm run bench [-- options]`: the service under load on PostgreSQL, as separate processes.
 *
 *   --duration <s>      seconds per scenario (10)
 *   --connections <n>   concurrent connections (50)
 *   --turns <n>         turns per build and load, alternating off/on (2: off, on, on, off)
 *   --growth <list>     stored-payment steps, e.g. 10000,100000 (default), 0 or "none" to skip
 *   --growth-1m         adds the 1,000,000 step
 *   --soak <s>          a long run of that many seconds after the rest (e.g. 600)
 *   --cpu-prof          the service writes a V8 CPU profile per pass to bench/results/prof
 *   --database <url>    admin connection (BENCH_DATABASE_URL, TEST_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/test)
 *
 * The two builds run side by side, each on its own database (created and dropped), and take the
 * load in turns (off, on, on, off, ...) so that the machine's drift weighs on both. "Observability off" is the service with
 * LOG_LEVEL=silent and no SENTRY_DSN (so no Sentry and no tracing); "on" is JSON logs at info to
 * a file, Sentry errors and 10% traces sent to a loopback fake. Metrics are collected in both:
 * the service has no switch for them, and Prometheus needs them in production anyway.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SIMULATOR_DEFAULT_API_KEY } from '../src/feexpay/simulator/options.ts';
import { createBenchDatabase } from './lib/database.ts';
import { startFakeSentry } from './lib/fake-sentry.ts';
import { runGrowth } from './lib/growth.ts';
import { startService, startSimulatorProcess, type Proc } from './lib/processes.ts';
import { writeReport, type BenchReport } from './lib/report.ts';
import { runPasses, WEBHOOK_TOKEN, type Mode, type PassOptions, type PassResult, type Side } from './lib/scenarios.ts';
import { runSoak, type SoakResult } from './lib/soak.ts';
import { countStatements } from './lib/statements.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    turns: { type: 'string', default: '2' },
    growth: { type: 'string', default: '10000,100000' },
    'growth-1m': { type: 'boolean', default: false },
    soak: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});

const adminUrl = args.database ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const resultsDir = path.resolve('bench/results');
const logsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-bench-'));
const growthSteps = [...(args.growth === 'none' || args.growth === '0' ? [] : args.growth.split(',').map(Number)), ...(args['growth-1m'] ? [1_000_000] : [])];
const opts: PassOptions = { connections: Number(args.connections), durationSec: Number(args.duration), turns: Math.max(1, Number(args.turns)), runTag: 1 };
const log = (line: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function serviceEnv(databaseUrl: string, simulatorUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    MIGRATE_ON_START: 'false',
    FEEXPAY_API_KEY: SIMULATOR_DEFAULT_API_KEY,
    FEEXPAY_SHOP_ID: 'simshop00000001',
    FEEXPAY_BASE_URL: simulatorUrl,
    WEBHOOK_TOKEN,
    // The limits protect real phones and merchants; here one merchant is the whole load.
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_PHONE_PER_HOUR: '10000',
    NODE_ENV: 'production',
  };
}

/** The commit measured, marked when src/ has uncommitted changes (the tree is shared). */
function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+uncommitted src changes` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const report: Partial<BenchReport> = {
    startedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadBefore: os.loadavg(), loadAfter: [], node: process.version },
    options: { ...opts, growthSteps, soak: args.soak ?? null, adminUrl: adminUrl.replace(/\/\/[^@]*@/, '//***@'), commit: gitCommit() },
  };
  // Webhooks off: the creation load measures creation; the webhook load is driven directly.
  const simulator = await startSimulatorProcess({ SIMULATOR_SETTLE_DELAY_MS: '0' }, path.join(logsDir, 'simulator.log'));
  const sentry = await startFakeSentry();
  const profArgs = (label: string) => (args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.join(resultsDir, 'prof'), '--cpu-prof-name', `${label}-${Date.now()}.cpuprofile`] : []);
  const observability = {
    off: { LOG_LEVEL: 'silent' },
    on: { LOG_LEVEL: 'info', SENTRY_DSN: sentry.dsn, SENTRY_TRACES_SAMPLE_RATE: '0.1', SENTRY_ENVIRONMENT: 'bench' },
  };
  let soak: SoakResult | null = null;
  try {
    const dbs = { off: await createBenchDatabase(adminUrl, 'off'), on: await createBenchDatabase(adminUrl, 'on') };
    const services: Partial<Record<Mode, Proc>> = {};
    let passes: Record<Mode, PassResult>;
    try {
      for (const mode of ['off', 'on'] as const) {
        services[mode] = await startService({ ...serviceEnv(dbs[mode].url, simulator.url), ...observability[mode] }, path.join(logsDir, `service-${mode}.log`), profArgs(mode));
        log(`service "${mode}": pid ${services[mode]!.pid}, database ${dbs[mode].name}`);
      }
      const side = (mode: Mode, runTag: number): Side => ({ mode, service: services[mode]!, db: dbs[mode], runTag });
      passes = await runPasses({ off: side('off', 1), on: side('on', 2) }, opts);
      for (const mode of ['off', 'on'] as const) {
        for (const s of passes[mode].scenarios) {
          log(`${mode} ${s.scenario}: ${s.requestsPerSec.toFixed(0)} req/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, non-2xx ${s.non2xx}, errors ${s.errors}, RSS max ${s.rssMaxMb.toFixed(0)} MB, CPU ${s.cpuMsPerRequest.toFixed(2)} ms/req`);
        }
        const m = passes[mode].metrics;
        log(`${mode} /metrics with ${m.payments} payments: p50 ${m.p50Ms.toFixed(1)} ms, p99 ${m.p99Ms.toFixed(1)} ms, ${m.bytes} bytes; /health/live p50 ${m.floor.p50Ms.toFixed(1)} ms, p99 ${m.floor.p99Ms.toFixed(1)} ms`);
      }
      if (args.soak) {
        await services.off?.stop();
        services.off = undefined;
        soak = await runSoak(services.on!, dbs.on, Number(args.soak), { ...opts, runTag: 3 }, log);
      }
    } finally {
      for (const mode of ['off', 'on'] as const) await services[mode]?.stop();
      for (const mode of ['off', 'on'] as const) await dbs[mode].drop();
    }
    const on = passes.on!;
    const off = passes.off!;
    off.scenarios.forEach((s, i) => log(`ratio on/off ${s.scenario}: ${(on.scenarios[i]!.requestsPerSec / s.requestsPerSec).toFixed(2)}`));

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
      { ...opts, runTag: 4 },
      log,
    );
    report.passes = { off, on };
    report.sentryEnvelopes = sentry.envelopes();
    report.soak = soak;
  } finally {
    await simulator.stop();
    await sentry.close();
  }
  report.machine!.loadAfter = os.loadavg();
  const written = writeReport(resultsDir, report as BenchReport);
  log(`results: ${written.md} and ${written.json}; service logs in ${logsDir}`);
}

await main();
