// @ts-check
/**
 * A pino transport target, run inside pino's worker thread: keeps the lines that belong to this
 * file (all, or only one component's), formats them (JSON as is, or pino-pretty text) and writes
 * them through pino-roll, which rotates by size and deletes the oldest files.
 *
 * Plain JavaScript on purpose: the worker loads this file by path, and must not depend on the
 * TypeScript loader of the main thread being registered in the worker too.
 *
 * pino-roll names its files `<name>.<n>.log`; a symlink `<name>.log` always points at the file
 * being written, so operators (and log shippers) keep the stable names of the original guide.
 */
import { Writable } from 'node:stream';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import roll from 'pino-roll';
import { prettyFactory } from 'pino-pretty';

/**
 * @typedef {object} RollingFileOptions
 * @property {string} dir
 * @property {string} name            stable file name, e.g. "app.json.log"
 * @property {'json'|'pretty'} format
 * @property {string} [component]     keep only lines whose top-level `component` equals this
 * @property {string|number} size     pino-roll size ("10m", "2k", "512b")
 * @property {number} count           rotated files kept in addition to the current one
 */

/** @param {string} line @param {string} component */
function hasComponent(line, component) {
  // Cheap test first; parse only the candidates, so a nested or quoted match is not enough.
  if (!line.includes(`"component":${JSON.stringify(component)}`)) return false;
  try {
    return JSON.parse(line).component === component;
  } catch {
    return false;
  }
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

/** @param {RollingFileOptions} opts */
export default async function rollingFile(opts) {
  fs.mkdirSync(opts.dir, { recursive: true });
  const dest = await roll({
    file: path.join(opts.dir, opts.name),
    size: opts.size,
    limit: { count: opts.count, removeOtherLogFiles: true },
    mkdir: true,
  });
  const link = path.join(opts.dir, opts.name);
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

  const pretty = opts.format === 'pretty' ? prettyFactory({ colorize: false, translateTime: 'SYS:standard' }) : null;
  let pending = '';

  /** @param {string} line */
  const format = (line) => (pretty ? pretty(line) : `${line}\n`);

  return new Writable({
    decodeStrings: false,
    write(chunk, _enc, cb) {
      const text = pending + chunk.toString();
      const lines = text.split('\n');
      pending = lines.pop() ?? '';
      let out = '';
      for (const line of lines) {
        if (line === '') continue;
        if (opts.component && !hasComponent(line, opts.component)) continue;
        out += format(line);
      }
      if (out === '' || dest.write(out)) {
        relink();
        cb();
      } else {
        once(dest, 'drain').then(() => { relink(); cb(); }, cb);
      }
    },
    final(cb) {
      if (pending !== '' && (!opts.component || hasComponent(pending, opts.component))) dest.write(format(pending));
      pending = '';
      dest.once('close', () => cb());
      dest.once('error', cb);
      dest.end();
    },
  });
}
