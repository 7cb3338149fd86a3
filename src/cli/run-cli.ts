/**
 * Runs a command's main(): its number is the exit code, and a failure is one line on stderr
 * (a UsageError: the line, the usage and exit code 2).
 */
import { UsageError } from './cli-args.ts';

export function runCli(name: string, main: () => Promise<number>, usage = ''): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${name}: ${err.message}\n${usage}`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`${name} failed: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
