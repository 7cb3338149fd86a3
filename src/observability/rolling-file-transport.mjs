// @ts-check
/**
 * The pino transport of LOG_DIR, run inside pino's worker thread: one target that reads each
 * batch of lines once and writes stdout and the four files from it. app.json.log takes every
 * line, error.log the lines at error and above, feexpay.log the lines of the `component:
 * 'feexpay'` child logger, app.log every line as human-readable text. Each file is written
 * through pino-roll, which rotates by size and deletes the oldest files.
 *
 * Why one target: as five pino targets (stdout and a target per file) the worker split and
 * filtered every line five times, formatted each with pino-pretty for app.log and wrote each
 * batch with a system call per destination; that worker cost about a fifth of the process's CPU
 * per request. Now app.log's ordinary lines are one line of text built without parsing (errors
 * still get pino-pretty's full layout, stack included), and every destination gathers at least
 * MIN_WRITE_BYTES before it writes, flushed at least every FLUSH_EVERY_MS.
 *
 * Plain JavaScript on purpose: the worker loads this file by path, and must not depend on the
 * TypeScript loader of the main thread being registered in the worker too.
 *
 * pino-roll names its files `<name>.<n>.log`; a symlink `<name>.log` always points at the file
 * being written, so operators (and log shippers) keep the stable names of the original guide.
 */
import { Writable } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import roll from 'pino-roll';
import { prettyFactory } from 'pino-pretty';
import pino from 'pino';

/**
 * @typedef {object} LogFilesOptions
 * @property {string} dir
 * @property {{ general: string, json: string, errors: string, feexpay: string }} names  stable file names
 * @property {string} component      feexpay.log keeps the lines whose top-level `component` equals this
 * @property {string|number} size    pino-roll size per file ("10m", "2k", "512b")
 * @property {number} count          rotated files kept in addition to the current one
 * @property {number|string} stdout  fd or file for the JSON lines of stdout
 * @property {boolean} [stdoutPretty] pino-pretty on stdout (a terminal)
 */

const ERROR_LEVEL = 50;
const MIN_WRITE_BYTES = 8 * 1024; // sonic-boom's limit is below its maxWrite, 16 KiB
const FLUSH_EVERY_MS = 1000;
const LEVEL_NAMES = /** @type {Record<number, string>} */ ({ 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' });

/** @param {string|number} size */
function sizeBytes(size) {
  if (typeof size === 'number') return size;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)$/i.exec(size.trim());
  if (!m) return Infinity;
  return Number(m[1]) * { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[/** @type {'' | 'b' | 'k' | 'm' | 'g'} */ (m[2]?.toLowerCase() ?? '')];
}

/** pino writes `{"level":30,...`; anything else is parsed. @param {string} line */
function levelOf(line) {
  if (line.startsWith('{"level":')) {
    const n = Number(line.slice(9, 11));
    if (Number.isInteger(n)) return n;
  }
  try {
    return Number(JSON.parse(line).level) || 0;
  } catch {
    return 0;
  }
}

/** @param {string} line @param {string} marker @param {string} component */
function hasComponent(line, marker, component) {
  // Cheap test first; parse only the candidates, so a nested or quoted match is not enough.
  if (!line.includes(marker)) return false;
  try {
    return JSON.parse(line).component === component;
  } catch {
    return false;
  }
}

// The same time layout as the one-line entries: UTC, ISO 8601.
const pretty = prettyFactory({ colorize: false, translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'" });

/**
 * app.log's line: time, level, pid, message, then the other fields as JSON, taken from pino's
 * layout `{"level":L,"time":T,"pid":P,"hostname":"H",<fields>,"msg":"M"}` without parsing it.
 * Errors, and any line not in that layout, get pino-pretty's full rendering.
 * @param {string} line @param {number} level
 */
function humanLine(line, level) {
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

/** @param {string} link @param {string} target */
function pointLink(link, target) {
  const tmp = `${link}.${process.pid}.tmp`;
  try {
    fs.rmSync(tmp, { force: true });
    fs.symlinkSync(path.basename(target), tmp);
    fs.renameSync(tmp, link);
  } catch {
    // A missing symlink must never stop logging; the numbered files are still written.
  }
}

/** One rotated file and its stable name. @param {LogFilesOptions} opts @param {string} name */
async function rolledFile(opts, name) {
  const link = path.join(opts.dir, name);
  // A small rotation size must still rotate between writes, not only every MIN_WRITE_BYTES.
  const minLength = Math.max(0, Math.min(MIN_WRITE_BYTES, Math.floor(sizeBytes(opts.size) / 4)));
  const dest = await roll({
    file: link,
    size: opts.size,
    limit: { count: opts.count, removeOtherLogFiles: true },
    mkdir: true,
    minLength,
    periodicFlush: FLUSH_EVERY_MS,
  });
  let current = '';
  const relink = () => {
    if (dest.file !== current && typeof dest.file === 'string') {
      current = dest.file;
      pointLink(link, current);
    }
  };
  relink();
  // pino-roll switches files once the previous one is flushed; follow it.
  dest.on('ready', relink);
  return { dest, relink };
}

/** @typedef {ReturnType<typeof pino.destination>} Destination */

/** @param {Destination} dest */
const ended = (dest) =>
  new Promise((resolve) => {
    dest.once('close', resolve);
    dest.once('error', resolve);
    dest.end();
  });

/** @param {LogFilesOptions} opts */
export default async function logFiles(opts) {
  fs.mkdirSync(opts.dir, { recursive: true });
  const [general, json, errors, feexpay] = await Promise.all([opts.names.general, opts.names.json, opts.names.errors, opts.names.feexpay].map((name) => rolledFile(opts, name)));
  // At low traffic a payment's lines must not wait for others to come: periodicFlush bounds the delay.
  const stdout = pino.destination({ dest: opts.stdout, sync: false, mkdir: true, minLength: MIN_WRITE_BYTES, periodicFlush: FLUSH_EVERY_MS });
  const stdoutPretty = opts.stdoutPretty ? prettyFactory({ colorize: opts.stdout === 1 }) : null;
  const marker = `"component":${JSON.stringify(opts.component)}`;
  const all = [stdout, general.dest, json.dest, errors.dest, feexpay.dest];
  let pending = '';

  /** Writes the lines everywhere they belong; returns the destinations over their limit. @param {string[]} lines */
  function route(lines) {
    let out = '';
    let human = '';
    let errs = '';
    let fx = '';
    for (const line of lines) {
      if (line === '') continue;
      const level = levelOf(line);
      out += `${line}\n`;
      human += humanLine(line, level);
      if (level >= ERROR_LEVEL) errs += `${line}\n`;
      if (hasComponent(line, marker, opts.component)) fx += `${line}\n`;
    }
    /** @type {Destination[]} */
    const full = [];
    if (out === '') return full;
    /** @param {Destination} dest @param {string} text */
    const put = (dest, text) => {
      if (text !== '' && !dest.write(text)) full.push(dest);
    };
    put(
      stdout,
      stdoutPretty
        ? lines
            .filter(Boolean)
            .map((l) => stdoutPretty(l))
            .join('')
        : out,
    );
    put(json.dest, out);
    put(general.dest, human);
    put(errors.dest, errs);
    put(feexpay.dest, fx);
    for (const f of [general, json, errors, feexpay]) f.relink();
    return full;
  }

  /** @param {Destination[]} full */
  const drained = (full) => Promise.all(full.map((d) => new Promise((resolve) => d.once('drain', resolve))));

  const files = [general.dest, json.dest, errors.dest, feexpay.dest];
  // pino-roll rotates between writes only: a batch larger than half a file (lines gathered while
  // the worker started, or a burst with a small rotation size) goes in pieces, each flushed first.
  const pieceBytes = Math.max(1, Math.floor(sizeBytes(opts.size) / 2));
  /** @param {Destination} d */
  const flushed = (d) => new Promise((resolve) => d.flush(() => resolve(undefined)));

  /** @param {string[]} lines */
  async function routeInPieces(lines) {
    let piece = [];
    let bytes = 0;
    for (const line of lines) {
      piece.push(line);
      bytes += line.length + 1;
      if (bytes < pieceBytes) continue;
      await drained(route(piece));
      await Promise.all(files.map(flushed));
      piece = [];
      bytes = 0;
    }
    await drained(route(piece));
  }

  return new Writable({
    decodeStrings: false,
    write(chunk, _enc, cb) {
      const text = pending + chunk.toString();
      const lines = text.split('\n');
      pending = lines.pop() ?? '';
      if (text.length > pieceBytes) {
        routeInPieces(lines).then(() => cb(), cb);
        return;
      }
      const full = route(lines);
      if (full.length === 0) cb();
      else drained(full).then(() => cb(), cb);
    },
    final(cb) {
      if (pending !== '') route([pending]);
      pending = '';
      Promise.all(all.map(ended)).then(() => cb(), cb);
    },
  });
}
