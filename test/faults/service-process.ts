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

/** A first start on the embedded database (initdb) under a full test suite can take most of a minute. */
const READY_TIMEOUT_MS = 90_000;

export async function startServiceProcess(
  env: Record<string, string>,
  port: number,
  logFile: string,
  args = FROM_SOURCE,
  readyTimeoutMs = READY_TIMEOUT_MS,
): Promise<ServiceProcess> {
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
  try {
    await waitFor(
      async () => {
        if (gone) throw new Error(`the service exited during start; see ${logFile}`);
        return fetch(`${url}/health/ready`)
          .then((r) => r.ok)
          .catch(() => false);
      },
      readyTimeoutMs,
      100,
    );
  } catch (err) {
    // A service left running would keep the test process alive after the test has failed.
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
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
