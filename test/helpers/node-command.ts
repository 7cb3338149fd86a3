/** A Node command run as an operator or a container runs it: its own process, real exit code. */
import { execFile } from 'node:child_process';

export interface CommandOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `node <args>` with only PATH and the given environment, so that no database or secret setting
 * of the test's own process leaks in; bounded at 120 s.
 */
export function runNode(args: string[], env: Record<string, string>): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
