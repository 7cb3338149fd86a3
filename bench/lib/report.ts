/** The benchmark's results as JSON (everything) and Markdown (the tables), with the targets beside them. */
import fs from 'node:fs';
import path from 'node:path';
import type { GrowthStep } from './growth.ts';
import type { PassResult } from './scenarios.ts';
import type { SoakResult } from './soak.ts';
import type { StatementCounts } from './statements.ts';

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; loadBefore: number[]; loadAfter: number[]; node: string };
  options: Record<string, unknown>;
  passes: { off: PassResult; on: PassResult };
  sentryEnvelopes: number;
  statements: StatementCounts;
  growth: GrowthStep[];
  soak: SoakResult | null;
}

const TARGETS: Record<string, { rps?: number; p99?: number }> = {
  'POST /v1/payments': { rps: 2_000, p99: 50 },
  'GET /v1/payments/:id': { rps: 6_000 },
};

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');

export function toMarkdown(r: BenchReport): string {
  const lines: string[] = [];
  lines.push(`# Benchmark ${r.startedAt}`, '');
  lines.push(`${r.machine.cpus} CPUs, load average before ${r.machine.loadBefore.map(f2).join(' ')}, after ${r.machine.loadAfter.map(f2).join(' ')}; Node ${r.machine.node}.`);
  lines.push(`Options: ${JSON.stringify(r.options)}`, '');
  lines.push('| scenario | obs. | req/s | p50 ms | p99 ms | non-2xx | RSS max MB | CPU ms/req | target | ratio on/off (req/s) |');
  lines.push('| --- | --- | --: | --: | --: | --: | --: | --: | --- | --: |');
  r.passes.off.scenarios.forEach((off, i) => {
    const on = r.passes.on.scenarios[i]!;
    const t = TARGETS[off.scenario];
    const target = t ? [t.rps ? `>= ${t.rps}/s` : '', t.p99 ? `p99 < ${t.p99} ms` : ''].filter(Boolean).join(', ') : '';
    for (const [label, s] of [['off', off], ['on', on]] as const) {
      lines.push(`| ${s.scenario} | ${label} | ${f0(s.requestsPerSec)} | ${s.p50Ms} | ${s.p99Ms} | ${s.non2xx + s.errors} | ${f0(s.rssMaxMb)} | ${f2(s.cpuMsPerRequest)} | ${target} | ${label === 'on' ? f2(on.requestsPerSec / off.requestsPerSec) : ''} |`);
    }
  });
  lines.push('');
  lines.push('| /metrics scrape | payments recorded | p50 ms | p99 ms | body bytes | /health/live p50 ms (floor) | /health/live p99 ms (floor) | target |');
  lines.push('| --- | --: | --: | --: | --: | --: | --: | --- |');
  for (const [label, p] of [['off', r.passes.off], ['on', r.passes.on]] as const) {
    const m = p.metrics;
    lines.push(`| ${label} | ${m.payments} | ${f1(m.p50Ms)} | ${f1(m.p99Ms)} | ${m.bytes} | ${f1(m.floor.p50Ms)} | ${f1(m.floor.p99Ms)} | < 10 ms |`);
  }
  lines.push('');
  lines.push(`Statements per operation (knex query events, BEGIN/COMMIT included): create ${f1(r.statements.createPayment)}, read ${f1(r.statements.getPayment)}, webhook ${f1(r.statements.webhook)}.`);
  lines.push(`Committed transactions per created payment (pg_stat_database.xact_commit delta over the creation load; it also holds whatever else the service committed meanwhile, such as reconciler passes, and the counters are flushed asynchronously): off ${f2(r.passes.off.commitsPerPayment)}, on ${f2(r.passes.on.commitsPerPayment)}.`);
  lines.push(`Sentry envelopes received by the loopback fake during the instrumented pass: ${r.sentryEnvelopes}.`, '');
  if (r.growth.length) {
    lines.push('| payments stored | seed s | POST req/s | POST p99 ms | GET req/s | GET p50 ms | GET p99 ms |');
    lines.push('| --: | --: | --: | --: | --: | --: | --: |');
    for (const g of r.growth) lines.push(`| ${g.stored.toLocaleString('en')} | ${f1(g.seedSeconds)} | ${f0(g.postPerSec)} | ${g.postP99Ms} | ${f0(g.getPerSec)} | ${g.getP50Ms} | ${g.getP99Ms} |`);
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
