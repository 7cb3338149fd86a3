/**
 * One process per log directory. pino-roll keeps its own count of each file's size and deletes
 * the files it did not create itself: two processes rotating the same files delete each other's
 * current file, and on a network volume their appends interleave. The writer of a directory
 * therefore keeps a mark in it, rewritten every minute:
 *  - a second process that finds a fresh mark from another writer says so on stderr, where an
 *    operator (or a pod's log) sees it at start;
 *  - `archive:logs` reads the mark's age to tell a directory whose writer is gone (a pod replaced
 *    or scaled away, each pod writing its own subdirectory of a shared volume) from a quiet one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const WRITER_MARK_FILE = '.writer.json';
export const WRITER_MARK_EVERY_MS = 60_000;

export interface WriterMark {
  hostname: string;
  pid: number;
  at: string;
}

/** The mark's content and its age, or null when there is none (or it cannot be read). */
function readWriterMark(dir: string, now = Date.now()): { mark: WriterMark | null; ageMs: number } | null {
  const file = path.join(dir, WRITER_MARK_FILE);
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
  let mark: WriterMark | null = null;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<WriterMark>;
    if (typeof parsed.hostname === 'string' && typeof parsed.pid === 'number') mark = { hostname: parsed.hostname, pid: parsed.pid, at: String(parsed.at) };
  } catch {
    // A half-written or foreign file: its age still tells whether someone writes here.
  }
  return { mark, ageMs: now - mtimeMs };
}

/**
 * Marks `dir` as written by this process until stop(). Says so on stderr, once, when another
 * process marked it within the last two intervals: at start, or at a rewrite (the other started
 * later). Failures to write the mark never reach the service: the logs go on.
 */
export function holdWriterMark(dir: string): { stop(): void } {
  const self: Omit<WriterMark, 'at'> = { hostname: os.hostname(), pid: process.pid };
  const file = path.join(dir, WRITER_MARK_FILE);
  let warned = false;
  const checkOthers = () => {
    const found = readWriterMark(dir);
    if (warned || !found?.mark || found.ageMs >= 2 * WRITER_MARK_EVERY_MS) return;
    if (found.mark.hostname === self.hostname && found.mark.pid === self.pid) return;
    warned = true;
    process.stderr.write(
      `log directory ${dir} is also written by ${found.mark.hostname} pid ${found.mark.pid} (${Math.round(found.ageMs / 1000)} s ago): ` +
        "two processes rotating the same files delete each other's lines; give each its own LOG_DIR\n",
    );
  };
  // Written aside, then renamed: a reader never sees a half-written mark.
  const tmp = `${file}.${process.pid}.tmp`;
  const write = () => {
    fs.promises
      .writeFile(tmp, `${JSON.stringify({ ...self, at: new Date().toISOString() })}\n`)
      .then(() => fs.promises.rename(tmp, file))
      .catch(() => {});
  };
  checkOthers();
  write();
  const timer = setInterval(() => {
    checkOthers();
    write();
  }, WRITER_MARK_EVERY_MS).unref();
  return { stop: () => clearInterval(timer) };
}
