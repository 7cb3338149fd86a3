/**
 * The part of a throwaway Prometheus or Alertmanager that does not depend on which one it is:
 * both take --web.listen-address, both answer /-/ready, both are stopped with SIGTERM.
 */
import { spawn } from 'node:child_process';
import { freePort } from '../../bench/lib/processes.ts';

export interface Daemon {
  url: string;
  /** What it printed so far: the reason when a test against it fails. */
  log(): string;
  stop(): Promise<void>;
}

const READY_WITHIN_MS = 15_000;

/**
 * Starts `bin` with `args` on a free loopback port and resolves once it is ready. Fails with its
 * output if it exits first or is not ready in time (a bad config shows up here, not as a hang).
 */
export async function startDaemon(bin: string, args: string[]): Promise<Daemon> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(bin, [...args, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const daemon: Daemon = {
    url,
    log: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  for (const until = Date.now() + READY_WITHIN_MS; ;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return daemon;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > until) {
      await daemon.stop();
      throw new Error(`${bin} did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
