/**
 * The service in its own Node process, configured by environment only, so a test can SIGKILL it
 * and start it again: from source (`node --import tsx src/server.ts`) by default, so a test
 * never runs a stale build, or with `npm start`'s arguments on the compiled build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { waitFor } from '../helpers/app.ts';

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** SIGTERM (graceful) and wait for the exit. */
  stop(): Promise<void>;
}

export { freePort, START_ARGS } from '../../bench/lib/processes.ts';

const FROM_SOURCE = ['--import', 'tsx', 'src/server.ts'];

export async function startServiceProcess(env: Record<string, string>, port: number, logFile: string, args = FROM_SOURCE): Promise<ServiceProcess> {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(
    async () => {
      if (gone) throw new Error(`the service exited during start; see ${logFile}`);
      return fetch(`${url}/health/ready`).then((r) => r.ok).catch(() => false);
    },
    30_000,
    100,
  );
  return {
    url,
    child,
    exited,
    stop: async () => {
      if (!gone) child.kill('SIGTERM');
      await exited;
    },
  };
}
