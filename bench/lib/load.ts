/**
 * The load itself: wrk (Debian's package, installed with apt-get when missing) in its own process,
 * one thread, driving one route through a Lua script of bench/wrk/: a fresh Idempotency-Key and a
 * distinct phone number per payment (the per-phone limit exists to protect real people, not to be
 * benchmarked), ids and references cycled for reads and webhooks. A load generator outside the
 * bench's own process keeps its CPU off the event loop that also runs the bench's bookkeeping.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export type WrkScript = 'post' | 'get' | 'webhook';

interface LoadOptions {
  url: string;
  connections: number;
  durationSec: number;
  script: WrkScript;
  /** The script's own arguments (after `--`). */
  args: string[];
}

const WRK = '/usr/bin/wrk';
const SCRIPTS = path.resolve('bench/wrk');

/** wrk from Debian; installed when missing (the bench runs as root on the project's machines, or with sudo). */
export function ensureWrk(log: (line: string) => void): string {
  if (fs.existsSync(WRK)) return WRK;
  log('wrk is missing: apt-get install -y wrk');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args: string[]) => execFileSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), { stdio: 'inherit' });
  run(['apt-get', 'update']);
  run(['apt-get', 'install', '-y', 'wrk']);
  return WRK;
}

const toMs = (value: string, unit: string): number => Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 } as Record<string, number>)[unit]!;

/** The figures of wrk's `--latency` report. */
export function parseWrk(out: string): LoadResult {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? 0);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requestsPerSec: num(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    total: num(/(\d+) requests in/),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
    errors: socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) : 0,
    timeouts: socket ? Number(socket[4]) : 0,
  };
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const args = [
    '-t1',
    `-c${o.connections}`,
    `-d${Math.max(1, Math.round(o.durationSec))}s`,
    '--latency',
    '--timeout',
    '10s',
    '-s',
    path.join(SCRIPTS, `${o.script}.lua`),
    o.url,
    '--',
    ...o.args,
  ];
  const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0 || !/Requests\/sec/.test(out)) throw new Error(`wrk failed (exit ${code}): ${err || out}`);
  return parseWrk(out);
}

let serial = 0;
const written: string[] = [];
/** A file of lines for a wrk script (ids, references), in the temporary directory. */
export function linesFile(lines: string[]): string {
  const file = path.join(os.tmpdir(), `fgw-bench-${process.pid}-${++serial}.txt`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  written.push(file);
  return file;
}

/** Removes the files linesFile wrote. */
export function removeLinesFiles(): void {
  for (const file of written.splice(0)) fs.rmSync(file, { force: true });
}

let keySerial = 0;
/** A prefix no other load of this run shares: the script numbers its keys after it. */
export function keyPrefix(): string {
  keySerial += 1;
  return `bench-${process.pid}-${Date.now().toString(36)}-${keySerial}`;
}

export interface PathLatency {
  p50Ms: number;
  p99Ms: number;
  bytes: number;
}

/**
 * Sequential GETs that take the paths in turn, n of each: /metrics is what Prometheus would see,
 * /health/live beside it is the floor of the same client on the same machine at the same moments.
 */
export async function pathLatencies<P extends string>(url: string, n: number, paths: readonly P[]): Promise<Record<P, PathLatency>> {
  const times = new Map<P, number[]>(paths.map((p) => [p, []]));
  const bytes = new Map<P, number>();
  for (let i = 0; i < n; i++) {
    for (const p of paths) {
      const started = performance.now();
      const text = await (await fetch(url + p)).text();
      times.get(p)!.push(performance.now() - started);
      bytes.set(p, text.length);
    }
  }
  const result = {} as Record<P, PathLatency>;
  for (const p of paths) {
    const sorted = times.get(p)!.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    result[p] = { p50Ms: at(0.5), p99Ms: at(0.99), bytes: bytes.get(p)! };
  }
  return result;
}
