/**
 * Where the logger's lines go, on the main thread: stdout (JSON, or pino-pretty's single-line
 * text for a terminal) and, with LOG_DIR, the four files: app.json.log takes every line,
 * error.log the lines at error and above, feexpay.log the lines of the `component: 'feexpay'`
 * child logger, app.log every line as human-readable text. Each file is written through
 * pino-roll, which rotates by size and deletes the oldest files.
 *
 * Why not pino's worker thread: the worker was a second V8 isolate, about 22 MB at rest and more
 * under load (its own heap grows with the lines it copies), and each line crossed threads through
 * a shared buffer. Routing a line here is a few string operations; the writes themselves are
 * asynchronous (sonic-boom hands them to libuv's thread pool), each destination gathering
 * MIN_WRITE_BYTES before it writes and flushing at least every FLUSH_EVERY_MS. A single
 * thread also keeps the test processes, which create and free many embedded databases, clear of
 * a V8 fault seen with threads beside many WebAssembly instances (README, Tests).
 *
 * pino-roll names its files `<name>.<n>.log`; a symlink `<name>.log` always points at the file
 * being written, so operators (and log shippers) keep the stable names of the original guide.
 * pino-roll opens its files asynchronously: lines logged before that are held and written first.
 * The directory carries this process's writer mark while the files are open (log-writer-mark.ts).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pino from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import roll from 'pino-roll';
import { holdWriterMark } from './log-writer-mark.ts';

export interface LogFilesOptions {
  dir: string;
  /** Stable file names. */
  names: { general: string; json: string; errors: string; feexpay: string };
  /** feexpay.log keeps the lines whose top-level `component` equals this. */
  component: string;
  /** pino-roll size per file ("10m", "2k", "512b"). */
  size: string | number;
  /** Rotated files kept in addition to the current one. */
  count: number;
}

export interface LogDestinationOptions {
  /** fd or file for stdout's lines. */
  stdout: number | string;
  /** pino-pretty's single-line text instead of JSON (a terminal). */
  pretty: boolean;
  files?: LogFilesOptions;
}

/** What pino writes to, and how it is closed. */
export interface LogDestination {
  write(line: string): void;
  /** Writes what is gathered, then closes every destination. */
  close(): Promise<void>;
}

type SonicBoom = ReturnType<typeof pino.destination>;

const ERROR_LEVEL = 50;
const MIN_WRITE_BYTES = 8 * 1024; // sonic-boom's limit is below its maxWrite, 16 KiB
const FLUSH_EVERY_MS = 1000;
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function sizeBytes(size: string | number): number {
  if (typeof size === 'number') return size;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)$/i.exec(size.trim());
  if (!m) return Infinity;
  return Number(m[1]) * { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2]?.toLowerCase() ?? '') as '' | 'b' | 'k' | 'm' | 'g'];
}

/** pino writes `{"level":30,...`; anything else is parsed. */
function levelOf(line: string): number {
  if (line.startsWith('{"level":')) {
    const n = Number(line.slice(9, 11));
    if (Number.isInteger(n)) return n;
  }
  try {
    return Number((JSON.parse(line) as { level?: unknown }).level) || 0;
  } catch {
    return 0;
  }
}

function hasComponent(line: string, marker: string, component: string): boolean {
  // Cheap test first; parse only the candidates, so a nested or quoted match is not enough.
  if (!line.includes(marker)) return false;
  try {
    return (JSON.parse(line) as { component?: unknown }).component === component;
  } catch {
    return false;
  }
}

type Prettifier = (line: string) => string;

/** pino-pretty (and date-fns with it, about 1 MB of sources) only for a terminal or an error in app.log. */
function prettifier(options: PrettyOptions): Prettifier {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return prettyFactory(options) as Prettifier;
}

let errorLayout: Prettifier | undefined;
// The same time layout as the one-line entries: UTC, ISO 8601.
const pretty = (line: string) => (errorLayout ??= prettifier({ colorize: false, translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'" }))(line);

/**
 * app.log's line: time, level, pid, message, then the other fields as JSON, taken from pino's
 * layout `{"level":L,"time":T,"pid":P,"hostname":"H",<fields>,"msg":"M"}` without parsing it.
 * Errors, and any line not in that layout, get pino-pretty's full rendering.
 */
export function humanLine(line: string, level: number): string {
  if (level >= ERROR_LEVEL) return pretty(line);
  const timeAt = line.indexOf(',"time":');
  const pidAt = line.indexOf(',"pid":', timeAt);
  const hostAt = line.indexOf(',"hostname":"', pidAt);
  const fieldsAt = hostAt < 0 ? -1 : line.indexOf('",', hostAt + 13);
  const msgAt = line.lastIndexOf(',"msg":"');
  if (timeAt < 0 || pidAt < 0 || fieldsAt < 0 || !line.endsWith('"}')) return pretty(line);
  const time = new Date(Number(line.slice(timeAt + 8, pidAt))).toISOString();
  const pid = line.slice(pidAt + 7, hostAt);
  const msg = msgAt > fieldsAt ? line.slice(msgAt + 8, -2) : '';
  const fields = line.slice(fieldsAt + 2, msgAt > fieldsAt ? msgAt : -1);
  return `[${time}] ${LEVEL_NAMES[level] ?? level} (${pid}): ${msg}${fields ? ` {${fields}}` : ''}\n`;
}

function pointLink(link: string, target: string): void {
  const tmp = `${link}.${process.pid}.tmp`;
  try {
    fs.rmSync(tmp, { force: true });
    fs.symlinkSync(path.basename(target), tmp);
    fs.renameSync(tmp, link);
  } catch {
    // A missing symlink must never stop logging; the numbered files are still written.
  }
}

/**
 * Lines gathered in an array and handed to sonic-boom MIN_WRITE_BYTES at a time. sonic-boom's own
 * gathering (minLength) appends each line to one growing string and measures that string's byte
 * length on the next write, which flattens it: every line copied the whole pending buffer again,
 * about 4 KB of garbage per line per destination.
 */
class Batch {
  private parts: string[] = [];
  private size = 0;

  constructor(
    readonly dest: SonicBoom,
    private readonly minBytes: number,
  ) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.minBytes) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.dest.write(text);
  }
}

/** A full disk or a removed directory must cost lines, never the process: said once on stderr. */
function reportErrors(dest: SonicBoom, name: string): void {
  let said = false;
  dest.on('error', (err: Error) => {
    if (said) return;
    said = true;
    process.stderr.write(`log destination ${name} failed: ${err.message}\n`);
  });
}

/** One rotated file; its stable name follows pino-roll from file to file. */
async function rolledFile(files: LogFilesOptions, name: string): Promise<Batch> {
  const link = path.join(files.dir, name);
  const dest = await roll({
    file: link,
    size: files.size,
    limit: { count: files.count, removeOtherLogFiles: true },
    mkdir: true,
  });
  let current = '';
  const relink = () => {
    if (dest.file !== current && typeof dest.file === 'string') {
      current = dest.file;
      pointLink(link, current);
    }
  };
  relink();
  // pino-roll switches files once the previous one is flushed: 'ready' follows each switch.
  dest.on('ready', relink);
  reportErrors(dest, name);
  // pino-roll rotates between writes: a small rotation size must still rotate, not only every MIN_WRITE_BYTES.
  return new Batch(dest, Math.max(1, Math.min(MIN_WRITE_BYTES, Math.floor(sizeBytes(files.size) / 4))));
}

const ended = (batch: Batch) =>
  new Promise<void>((resolve) => {
    batch.flush();
    batch.dest.once('close', () => resolve());
    batch.dest.once('error', () => resolve());
    batch.dest.end();
  });

interface Files {
  general: Batch;
  json: Batch;
  errors: Batch;
  feexpay: Batch;
  writer: { stop(): void };
}

async function openFiles(files: LogFilesOptions): Promise<{ batches: Batch[]; writer: { stop(): void } }> {
  fs.mkdirSync(files.dir, { recursive: true });
  // Before pino-roll looks for the files to resume: a second writer is said before it rotates.
  const writer = holdWriterMark(files.dir);
  const { general, json, errors, feexpay } = files.names;
  try {
    return { batches: await Promise.all([general, json, errors, feexpay].map((name) => rolledFile(files, name))), writer };
  } catch (err) {
    writer.stop();
    throw err;
  }
}

export function openLogDestination(opts: LogDestinationOptions): LogDestination {
  const stdoutDest = pino.destination({ dest: opts.stdout, sync: false, mkdir: typeof opts.stdout === 'string' });
  reportErrors(stdoutDest, 'stdout');
  const stdout = new Batch(stdoutDest, MIN_WRITE_BYTES);
  const batches = [stdout];
  // At low traffic a payment's lines must not wait for others to come.
  const flusher = setInterval(() => {
    for (const b of batches) b.flush();
  }, FLUSH_EVERY_MS).unref();
  const stdoutPretty = opts.pretty ? prettifier({ colorize: opts.stdout === 1, singleLine: true }) : null;
  const toStdout = (line: string) => stdout.write(stdoutPretty ? stdoutPretty(line) : line);

  const fileOpts = opts.files;
  if (!fileOpts) {
    return {
      write: toStdout,
      async close() {
        clearInterval(flusher);
        await ended(stdout);
      },
    };
  }

  const marker = `"component":${JSON.stringify(fileOpts.component)}`;
  // Where a line goes besides stdout: held while pino-roll opens the files, then the files, or
  // nowhere if they cannot be opened.
  let held: string[] = [];
  let toFilesNow: (line: string) => void = (line) => held.push(line);
  const toFiles = (f: Files, line: string) => {
    const level = levelOf(line);
    f.json.write(line);
    f.general.write(humanLine(line.endsWith('\n') ? line.slice(0, -1) : line, level));
    if (level >= ERROR_LEVEL) f.errors.write(line);
    if (hasComponent(line, marker, fileOpts.component)) f.feexpay.write(line);
  };
  const opened = openFiles(fileOpts).then(
    ({ batches: [general, json, errors, feexpay], writer }) => {
      const f: Files = { general: general!, json: json!, errors: errors!, feexpay: feexpay!, writer };
      batches.push(f.general, f.json, f.errors, f.feexpay);
      for (const line of held) toFiles(f, line);
      toFilesNow = (line) => toFiles(f, line);
      held = [];
      return f;
    },
    (err: Error) => {
      // stdout goes on: the files are lost, the service and its console are not.
      process.stderr.write(`log files in ${fileOpts.dir} unavailable: ${err.message}\n`);
      toFilesNow = () => {};
      held = [];
      return null;
    },
  );
  return {
    write(line) {
      toStdout(line);
      toFilesNow(line);
    },
    async close() {
      clearInterval(flusher);
      const f = await opened;
      f?.writer.stop();
      await Promise.all([stdout, ...(f ? [f.general, f.json, f.errors, f.feexpay] : [])].map(ended));
    },
  };
}
