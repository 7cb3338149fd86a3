/**
 * The processes a benchmark run starts: the service exactly as production starts it (the compiled
 * build/ of `npm run build`, its own Node process, Sentry preloaded with --import) and a standalone
 * FeexPay simulator, so the RSS and CPU measured are the service's own. Memory is read from
 * /proc/<pid>/status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Proc {
  pid: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitReady(url: string, child: ChildProcess, what: string, logFile: string): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited at start (code ${child.exitCode}); see ${logFile}`);
    const ok = await fetch(url).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${what} not ready within 60 s; see ${logFile}`);
}

function launch(args: string[], env: Record<string, string>, logFile: string, cwd?: string): ChildProcess {
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const late = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(late);
  };
}

/** A checkout's `npm start` without npm (and without its prestart build: the benchmarks build first). */
function startArgs(checkout = '.'): string[] {
  return (JSON.parse(fs.readFileSync(path.join(checkout, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ').slice(1);
}

/** This checkout's start command's arguments. */
export const START_ARGS = startArgs();

/**
 * `cwd`: another checkout whose build/ is started with its own start command (its flags, not
 * this checkout's); default this one.
 */
export async function startService(env: Record<string, string>, logFile: string, nodeArgs: string[] = [], cwd?: string): Promise<Proc> {
  const port = await freePort();
  const args = cwd ? startArgs(cwd) : START_ARGS;
  // The extra flags go after the start script's own, so that one of them can override it.
  const child = launch([...args.slice(0, -1), ...nodeArgs, ...args.slice(-1)], { HOST: '127.0.0.1', PORT: String(port), ...env }, logFile, cwd);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`, child, 'the service', logFile);
  return { pid: child.pid!, url, child, stop: stopper(child) };
}

/** bench/reference-server.mjs, the minimal Fastify + pg server the service is compared with. */
export async function startReference(env: Record<string, string>, logFile: string): Promise<Proc> {
  const port = await freePort();
  const child = launch(['bench/reference-server.mjs'], { PORT: String(port), ...env }, logFile);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`, child, 'the reference server', logFile);
  return { pid: child.pid!, url, child, stop: stopper(child) };
}

export async function startSimulatorProcess(env: Record<string, string>, logFile: string): Promise<Proc> {
  const port = await freePort();
  const child = launch(['build/feexpay/simulator/main.js'], { SIMULATOR_PORT: String(port), LOG_LEVEL: 'warn', ...env }, logFile);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/_simulator/counters`, child, 'the simulator', logFile);
  return { pid: child.pid!, url, child, stop: stopper(child) };
}

export function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The share of the machine's CPU time the hypervisor gave to other guests (steal, from /proc/stat)
 * between start and stop. On a shared VM it can reach a third of a segment, slowing every process
 * at once and each side of a ratio by a different amount: a figure to read a run's ratios by.
 */
export function sampleSteal(): { stop(): number } {
  const read = () => {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    return { steal: fields[7] ?? 0, total: fields.reduce((a, b) => a + b, 0) };
  };
  const start = read();
  return {
    stop() {
      const end = read();
      const total = end.total - start.total;
      return total > 0 ? (end.steal - start.steal) / total : 0;
    },
  };
}

export interface RssSampler {
  stop(): { maxMb: number; meanMb: number; samples: { t: number; mb: number }[] };
}

export function sampleRss(pid: number, everyMs = 250): RssSampler {
  const started = Date.now();
  const samples: { t: number; mb: number }[] = [];
  const take = () => {
    const mb = rssMb(pid);
    if (Number.isFinite(mb)) samples.push({ t: (Date.now() - started) / 1000, mb });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const mbs = samples.map((s) => s.mb);
      return { maxMb: Math.max(...mbs), meanMb: mbs.reduce((a, b) => a + b, 0) / mbs.length, samples };
    },
  };
}
