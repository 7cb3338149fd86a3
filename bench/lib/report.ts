/** The benchmark's results as JSON (everything) and Markdown (the tables), with the targets beside them. */
import fs from 'node:fs';
import path from 'node:path';
import type { EventsResult } from './events.ts';
import type { GrowthStep } from './growth.ts';
import type { Mode, PassResult, ScenarioResult } from './scenarios.ts';
import type { SoakResult } from './soak.ts';
import type { StatementCounts } from './statements.ts';

export interface Ratio {
  name: string;
  value: number;
  target: string;
  met: boolean;
}

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; loadBefore: number[]; loadAfter: number[]; node: string };
  options: Record<string, unknown>;
  passes: Record<Mode, PassResult>;
  ratios: Ratio[];
  sentryEnvelopes: number;
  statements: StatementCounts;
  growth: GrowthStep[];
  soak: SoakResult | null;
  events: EventsResult | null;
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : '-');

const RSS_TARGET_MB = 180;
const EVENTS_TARGET = 1_000;

/** The targets, as ratios of rates measured in the same run. */
export function ratiosOf(p: Record<Mode, PassResult>): Ratio[] {
  const rate = (m: Mode, i: number) => p[m].scenarios[i]!.requestsPerSec;
  const ratio = (name: string, value: number, min: number) => ({ name, value, target: `>= ${min}`, met: value >= min });
  return [
    ratio('GET off / reference', rate('off', 1) / rate('ref', 1), 0.9),
    ratio('GET shipped / off', rate('on', 1) / rate('off', 1), 0.85),
    ratio('POST shipped / off', rate('on', 0) / rate('off', 0), 0.85),
    ratio('POST off / 3-statement reference', rate('off', 0) / rate('ref', 0), 1.2),
    ratio('POST shipped / 3-statement reference', rate('on', 0) / rate('ref', 0), 1.2),
    ratio('webhook shipped / off', rate('on', 2) / rate('off', 2), 0.85),
  ];
}

function scenarioLine(label: string, s: ScenarioResult): string {
  return `| ${s.scenario} | ${label} | ${f0(s.requestsPerSec)} | ${f1(s.p50Ms)} | ${f1(s.p99Ms)} | ${s.non2xx + s.errors + s.timeouts} | ${f0(s.rssMaxMb)} | ${f3(s.cpuMsPerRequest)} | ${f3(s.pgServerMsPerRequest)} | ${f3(s.pgDatabaseMsPerRequest)} | ${pct(s.steal.mean)} (${pct(s.steal.max)}) |`;
}

/** A share (0-1) as a percentage with one decimal. */
export const pct = (share: number) => (Number.isFinite(share) ? (100 * share).toFixed(1) : '-');

/** Above this share of steal in any segment, a ratio says more about the host than about the code. */
const STEAL_WARNING = 0.05;

/** The worst steal of any segment of the passes, and the sentence the report and the console give it. */
export function stealNote(p: Record<Mode, PassResult>): string | null {
  const worst = Math.max(...Object.values(p).flatMap((x) => x.scenarios.map((s) => s.steal.max)));
  if (!(worst > STEAL_WARNING)) return null;
  return `The host took up to ${pct(worst)}% of the machine's CPU (steal time) during a segment: every process slowed at once, by different amounts on each side of a ratio. Read these ratios as disturbed and run again.`;
}

export function toMarkdown(r: BenchReport): string {
  const lines: string[] = [];
  lines.push(`# Benchmark ${r.startedAt}`, '');
  lines.push(`${r.machine.cpus} CPUs, load average before ${r.machine.loadBefore.map(f2).join(' ')}, after ${r.machine.loadAfter.map(f2).join(' ')}; Node ${r.machine.node}.`);
  lines.push(`Options: ${JSON.stringify(r.options)}`, '');
  lines.push(
    'Servers: off = the service, LOG_LEVEL=silent, no Sentry; shipped = JSON logs at info with the LOG_DIR files, Sentry 10% traces; reference = bench/reference-server.mjs.',
    '',
  );
  lines.push(
    '| scenario | server | req/s | p50 ms | p99 ms | non-2xx/errors | RSS max MB | server CPU ms/req | PostgreSQL CPU ms/req (all) | PostgreSQL CPU ms/req (own db) | host steal % (worst segment) |',
  );
  lines.push('| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
  const labels = { off: 'off', on: 'shipped', ref: 'reference' } as const;
  r.passes.off.scenarios.forEach((_, i) => {
    for (const m of ['off', 'on', 'ref'] as const) {
      const s = r.passes[m].scenarios[i];
      if (s) lines.push(scenarioLine(labels[m], s));
    }
  });
  lines.push('');
  lines.push('| ratio | measured | target | |');
  lines.push('| --- | --: | --- | --- |');
  for (const x of r.ratios) lines.push(`| ${x.name} | ${f2(x.value)} | ${x.target} | ${x.met ? 'met' : 'missed'} |`);
  const rss = Math.max(...r.passes.on.scenarios.map((s) => s.rssMaxMb));
  lines.push(`| RSS as shipped under load, MB | ${f0(rss)} | <= ${RSS_TARGET_MB} | ${rss <= RSS_TARGET_MB ? 'met' : 'missed'} |`);
  if (r.events)
    lines.push(`| merchant event deliveries per second | ${f0(r.events.perSecond)} | >= ${EVENTS_TARGET} | ${r.events.perSecond >= EVENTS_TARGET ? 'met' : 'missed'} |`);
  lines.push('');
  const steal = stealNote(r.passes);
  if (steal) lines.push(steal, '');
  const withMetrics = (['off', 'on'] as const).filter((m) => r.passes[m].metrics);
  if (withMetrics.length) {
    lines.push('| /metrics scrape | payments recorded | p50 ms | p99 ms | body bytes | /health/live p50 ms (floor) | /health/live p99 ms (floor) | target |');
    lines.push('| --- | --: | --: | --: | --: | --: | --: | --- |');
    for (const m of withMetrics) {
      const x = r.passes[m].metrics!;
      lines.push(`| ${labels[m]} | ${x.payments} | ${f1(x.p50Ms)} | ${f1(x.p99Ms)} | ${x.bytes} | ${f1(x.floor.p50Ms)} | ${f1(x.floor.p99Ms)} | < 10 ms |`);
    }
    lines.push('');
  }
  lines.push(
    `Statements per operation (knex query events, BEGIN/COMMIT included): create ${f1(r.statements.createPayment)}, read ${f1(r.statements.getPayment)}, webhook ${f1(r.statements.webhook)}.`,
  );
  lines.push(
    `Committed transactions per created payment (pg_stat_database.xact_commit over the creation load; it also holds what else the server committed meanwhile, such as reconciler passes): off ${f2(r.passes.off.commitsPerPayment)}, shipped ${f2(r.passes.on.commitsPerPayment)}, reference ${f2(r.passes.ref.commitsPerPayment)}.`,
  );
  const rows = (m: 'off' | 'on') => {
    const x = r.passes[m].rowsPerStatement;
    return x ? `claim ${f1(x.payment_claim)}, attach ${f1(x.payment_attach)}` : 'not recorded';
  };
  lines.push(`Payments per shared statement over the creation load (feexpay_db_batched_statement_rows): off ${rows('off')}; shipped ${rows('on')}.`);
  lines.push(`Sentry envelopes received by the loopback fake: ${r.sentryEnvelopes}.`, '');
  if (r.events) {
    lines.push(
      `Merchant events (bench/merchant-events.ts): ${r.events.delivered}/${r.events.deliveries} delivered at ${f0(r.events.perSecond)}/s, ${r.events.duplicates} duplicates; under payment load event to receipt p50 ${f0(r.events.latency.p50Ms)} ms, p99 ${f0(r.events.latency.p99Ms)} ms (${path.basename(r.events.file)}).`,
      '',
    );
  }
  if (r.growth.length) {
    lines.push('| payments stored | seed s | POST req/s | POST p99 ms | GET req/s | GET p50 ms | GET p99 ms |');
    lines.push('| --: | --: | --: | --: | --: | --: | --: |');
    for (const g of r.growth)
      lines.push(
        `| ${g.stored.toLocaleString('en')} | ${f1(g.seedSeconds)} | ${f0(g.postPerSec)} | ${f1(g.postP99Ms)} | ${f0(g.getPerSec)} | ${f1(g.getP50Ms)} | ${f1(g.getP99Ms)} |`,
      );
    lines.push('');
  }
  if (r.soak) {
    const s = r.soak;
    lines.push(`Soak ${s.seconds} s, ${s.requests} requests: RSS first minute ${f0(s.firstMinuteMb)} MB, last minute ${f0(s.lastMinuteMb)} MB, max ${f0(s.maxMb)} MB.`, '');
  }
  return lines.join('\n');
}

export function writeReport(dir: string, r: BenchReport): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const json = path.join(dir, `bench-${stamp}.json`);
  const md = path.join(dir, `bench-${stamp}.md`);
  fs.writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  fs.writeFileSync(md, toMarkdown(r) + '\n');
  return { json, md };
}
