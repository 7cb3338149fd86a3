/**
 * The service's pino logger, for Fastify 5 (`loggerInstance: createLogger(...)`).
 *
 * Output: JSON lines on stdout (what a container runtime collects), pino-pretty instead when
 * stdout is a terminal. With `logDir`, also the four files of the original guide, each rotated by
 * size: app.log (human readable), app.json.log (JSON), error.log (level >= error, JSON) and
 * feexpay.log (lines of the `component: 'feexpay'` child logger, JSON). log-destination.ts
 * writes them all from the main thread, asynchronously.
 */
import pino from 'pino';
import { openLogDestination } from './log-destination.ts';
import { maskBindings, maskLine, maskLogObject, redact, serializers } from './log-serializers.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  level: LogLevel | string;
  /** Directory for the rotated log files; none: stdout only. */
  logDir?: string | null;
  /** Human-readable stdout. Default: only when stdout is a terminal. */
  pretty?: boolean;
  /** Rotation of each file. Default: 10 MB, 10 files (the current one and 9 rotated). */
  rotation?: { size?: string | number; files?: number };
  /** Where the stdout stream goes (tests send it to a file). Default: fd 1. */
  stdout?: number | string;
}

/** The `component` binding whose lines also go to feexpay.log: `log.child({ component: FEEXPAY_COMPONENT })`. */
export const FEEXPAY_COMPONENT = 'feexpay';

export const LOG_FILES = {
  general: 'app.log',
  json: 'app.json.log',
  errors: 'error.log',
  feexpay: 'feexpay.log',
} as const;

const DEFAULT_SIZE = '10m';
const DEFAULT_FILES = 10;

function isPretty(opts: LoggerOptions): boolean {
  return opts.pretty ?? (opts.stdout === undefined && process.stdout.isTTY === true);
}

/** The masking, redaction and serialisation options, without any destination. */
function baseLoggerOptions(level: string): pino.LoggerOptions {
  return {
    level,
    redact,
    serializers,
    formatters: {
      log: maskLogObject,
      bindings: (b) => maskBindings(b) as pino.Bindings,
    },
    hooks: { streamWrite: maskLine },
  };
}

/**
 * pino applies formatters.bindings to the root logger's own bindings only (it resets the formatter
 * for children): every child's bindings go through the same mask here. Children are made from
 * their parent by Object.create, so they inherit this method, and grandchildren are masked too.
 */
function maskChildBindings(logger: pino.Logger): void {
  const child = logger.child;
  logger.child = function (this: pino.Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) {
    return Reflect.apply(child, this, [maskBindings(bindings), options]) as pino.Logger;
  } as unknown as typeof logger.child;
}

/**
 * A pino logger that masks what it writes, child loggers' bindings included: the service's
 * (createLogger) and the standalone simulator's. Without a stream it writes to stdout.
 */
export function maskedLogger(level: string, stream?: pino.DestinationStream): pino.Logger {
  const logger = stream ? pino(baseLoggerOptions(level), stream) : pino(baseLoggerOptions(level));
  maskChildBindings(logger);
  return logger;
}

const closers = new WeakMap<pino.Logger, () => Promise<void>>();

/** A pino logger for Fastify's `loggerInstance` option; pass it to closeLogger() at shutdown. */
export function createLogger(opts: LoggerOptions): pino.Logger {
  const destination = openLogDestination({
    stdout: opts.stdout ?? 1,
    pretty: isPretty(opts),
    files: opts.logDir
      ? {
          dir: opts.logDir,
          names: LOG_FILES,
          component: FEEXPAY_COMPONENT,
          size: opts.rotation?.size ?? DEFAULT_SIZE,
          count: Math.max(0, (opts.rotation?.files ?? DEFAULT_FILES) - 1),
        }
      : undefined,
  });
  // A timer or a late request may still log after close: those lines are dropped.
  let open = true;
  const logger = maskedLogger(opts.level, {
    write: (line: string) => {
      if (open) destination.write(line);
    },
  });
  closers.set(logger, () => {
    open = false;
    return destination.close();
  });
  return logger;
}

/** Flushes and closes what createLogger opened. Later log calls are lost, so call it last. */
export async function closeLogger(logger: pino.Logger): Promise<void> {
  const close = closers.get(logger);
  if (!close) return;
  closers.delete(logger);
  await close();
}
