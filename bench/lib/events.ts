/**
 * Merchant event delivery, measured by bench/merchant-events.ts (also `npm run bench:events`) in
 * its own process, after the HTTP passes so that it has the machine to itself; its JSON report is
 * folded into this run's.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface EventsResult {
  deliveries: number;
  delivered: number;
  perSecond: number;
  duplicates: number;
  latency: { p50Ms: number; p99Ms: number };
  file: string;
}

export async function runEventsBench(events: number, quick: boolean, log: (line: string) => void): Promise<EventsResult | null> {
  const args = ['--import', 'tsx', 'bench/merchant-events.ts', '--events', String(events), '--load-seconds', quick ? '4' : '10'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    process.stdout.write(c);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const file = /report: (\S+\.json)/.exec(out)?.[1];
  if (code !== 0 || !file) {
    log(`events: bench/merchant-events.ts failed (exit ${code})`);
    return null;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    throughput: { deliveries: number; delivered: number; perSecond: number };
    latency: { p50Ms: number; p99Ms: number };
    duplicates: number;
  };
  return { ...r.throughput, duplicates: r.duplicates, latency: { p50Ms: r.latency.p50Ms, p99Ms: r.latency.p99Ms }, file };
}
