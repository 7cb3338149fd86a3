/**
 * The arguments of a command: `--help` (or `-h`) prints its usage and exits 0; an unknown option,
 * a missing value or a value the command cannot use prints what is wrong and the usage on stderr
 * and exits 2 (bad usage, as POSIX tools do), never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad input on the command line: runCli prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function usageFailure(name: string, usage: string, message: string): never {
  process.stderr.write(`${name}: ${message}\n${usage}`);
  process.exit(2);
}

/** Parses process.argv for a command whose usage text is `usage` (ending in a newline). */
export function parseCliArgs<O extends Options>(name: string, usage: string, options: O, allowPositionals = false) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    // node:util's messages are plain ("Unknown option '--nam'"), without their code in front.
    return usageFailure(name, usage, (err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}
