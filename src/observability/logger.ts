/**
 * The service's pino logger, for Fastify 5 (`loggerInstance: createLogger(...)`, or
 * `logger: buildLoggerOptions(...)`).
 *
 * Output: JSON lines on stdout (what a container runtime collects), pino-pretty instead when
 * stdout is a terminal. With `logDir`, also the four files of the original guide, each rotated by
 * size: app.log (human readable), app.json.log (JSON), error.log (level >= error, JSON) and
 * feexpay.log (lines of the `component: 'feexpay'` child logger, JSON). Files, pretty printing
 * and rotation run in pino's worker thread, stdout too when there are files (one target writes
 * them all); the main thread only serialises and masks.
 */
import { fileURLToPath } from 'node:url';
import pino from 'pino';
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

const ROLLING_TARGET = fileURLToPath(new URL('./rolling-file-transport.mjs', import.meta.url));
const DEFAULT_SIZE = '10m';
const DEFAULT_FILES = 10;
const CLOSE_TIMEOUT_MS = 5000;
const MIN_WRITE_BYTES = 8 * 1024; // sonic-boom's limit is below its maxWrite, 16 KiB
const FLUSH_EVERY_MS = 1000;

function isPretty(opts: LoggerOptions): boolean {
  return opts.pretty ?? (opts.stdout === undefined && process.stdout.isTTY === true);
}

/** stdout and the four files from one worker target (rolling-file-transport.mjs says why one). */
function filesTarget(opts: LoggerOptions, dir: string): pino.TransportSingleOptions {
  return {
    target: ROLLING_TARGET,
    options: {
      dir,
      names: LOG_FILES,
      component: FEEXPAY_COMPONENT,
      size: opts.rotation?.size ?? DEFAULT_SIZE,
      count: Math.max(0, (opts.rotation?.files ?? DEFAULT_FILES) - 1),
      stdout: opts.stdout ?? 1,
      stdoutPretty: isPretty(opts),
    },
  };
}

function stdoutTarget(opts: LoggerOptions): pino.TransportTargetOptions {
  const destination = opts.stdout ?? 1;
  // A file's directory is created if missing: otherwise the worker dies and every line is lost.
  return isPretty(opts)
    ? // One event, one line: a terminal then shows a payment in about ten lines instead of a hundred.
      { target: 'pino-pretty', level: opts.level, options: { destination, colorize: destination === 1, singleLine: true, mkdir: true } }
    : { target: 'pino/file', level: opts.level, options: { destination, mkdir: true } };
}

/** The masking, redaction and serialisation options, without any destination. */
export function baseLoggerOptions(level: string): pino.LoggerOptions {
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

/** Options for Fastify's `logger` option: Fastify builds the pino instance and its transport. */
export function buildLoggerOptions(opts: LoggerOptions): pino.LoggerOptions {
  const base = baseLoggerOptions(opts.level);
  if (!opts.logDir && !isPretty(opts) && opts.stdout === undefined) return base;
  const transport = opts.logDir ? filesTarget(opts, opts.logDir) : { targets: [stdoutTarget(opts)] };
  // The worker must not inherit the process's --import flags: it needs no TypeScript loader (the
  // targets are JavaScript) and must not preload instrument.ts, which would start a second Sentry
  // client inside the logging thread.
  return { ...base, transport: { ...transport, worker: { execArgv: [] } } };
}

const closers = new WeakMap<pino.Logger, () => Promise<void>>();

/** A pino logger for Fastify's `loggerInstance` option; pass it to closeLogger() at shutdown. */
export function createLogger(opts: LoggerOptions): pino.Logger {
  const { transport, ...options } = buildLoggerOptions(opts);
  if (!opts.logDir && !isPretty(opts)) {
    // JSON lines to one destination: an asynchronous sonic-boom on the main thread is cheaper than
    // a worker, and keeps threads out of processes that create and free many WebAssembly modules
    // (the embedded database in tests), where V8's process-wide JIT page registry has crashed
    // (README, Tests). It writes once MIN_WRITE_BYTES have gathered (a write is a costly
    // system call), and at least every FLUSH_EVERY_MS: at low traffic a payment's lines must not
    // wait for others to come.
    const dest = opts.stdout ?? 1;
    const stream = pino.destination({ dest, sync: false, minLength: MIN_WRITE_BYTES, mkdir: typeof dest === 'string' });
    const flusher = setInterval(() => stream.flush(), FLUSH_EVERY_MS).unref();
    const logger = pino(options, stream);
    closers.set(
      logger,
      () =>
        new Promise((resolve) => {
          clearInterval(flusher);
          stream.flush(() => resolve());
        }),
    );
    return logger;
  }
  const stream = pino.transport(transport!);
  // A timer or a late request may still log after close: drop those lines rather than throw
  // "the worker has exited" into whoever logged.
  let open = true;
  const guarded = { write: (chunk: string) => (open ? stream.write(chunk) : true) };
  // After close the worker reports its own exit as an error event; with no listener that would
  // be an uncaught exception in whatever is still running (a timer, a late request).
  stream.on('error', (err: Error) => {
    if (open) process.stderr.write(`logger transport failed: ${err.message}\n`);
  });
  const logger = pino(options, guarded as unknown as pino.DestinationStream);
  closers.set(
    logger,
    () =>
      new Promise<void>((resolve) => {
        open = false;
        // The worker flushes every target, then closes; 'close' means the files are complete. The
        // worker is unref'd, so without a timer of our own the process could exit before that.
        const keepAlive = setInterval(() => {}, 1000);
        const done = () => {
          clearInterval(keepAlive);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, CLOSE_TIMEOUT_MS);
        stream.once('close', done);
        stream.end();
      }),
  );
  return logger;
}

/** Flushes and closes what createLogger opened. Later log calls are lost, so call it last. */
export async function closeLogger(logger: pino.Logger): Promise<void> {
  const close = closers.get(logger);
  if (!close) return;
  closers.delete(logger);
  await close();
}
