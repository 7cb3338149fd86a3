/**
 * The directories `archive:logs` works on: LOG_DIR itself (one service on a machine or in
 * compose) and each of its subdirectories that holds log files (one per pod on a shared volume:
 * Kubernetes mounts the volume's `<pod name>` subdirectory as each pod's LOG_DIR). A
 * subdirectory whose writer's mark (log-writer-mark.ts) and files are all older than
 * ABANDONED_AFTER_MS belongs to a pod that is gone: nothing will append to its current files
 * again, so they are archived too. LOG_DIR itself is never abandoned: a stopped service resumes
 * its own files when it starts again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WRITER_MARK_EVERY_MS, WRITER_MARK_FILE } from '../observability/log-writer-mark.ts';

/** An hour without a mark, sixty missed rewrites: a writer that is gone, not one that is slow. */
export const ABANDONED_AFTER_MS = 60 * WRITER_MARK_EVERY_MS;

export interface LogDirectory {
  dir: string;
  /** Prepended to the archive names of this directory's files ("" for LOG_DIR itself). */
  prefix: string;
  abandoned: boolean;
}

/**
 * A directory the service wrote (its mark or a log file; not the volume's own lost+found), with
 * its latest change: its own (files created or removed), its files', the writer's mark's. Null
 * for a directory that is not the service's. One listing for both.
 */
function lastWriteOfLogDirectory(dir: string): number | null {
  const names = fs.readdirSync(dir);
  if (!names.some((n) => n === WRITER_MARK_FILE || n.endsWith('.log'))) return null;
  let newest = fs.statSync(dir).mtimeMs;
  for (const name of names) {
    try {
      newest = Math.max(newest, fs.lstatSync(path.join(dir, name)).mtimeMs);
    } catch {
      // Removed meanwhile.
    }
  }
  return newest;
}

export function logDirectories(logDir: string, archiveDir: string, now = Date.now()): LogDirectory[] {
  const dirs: LogDirectory[] = [{ dir: logDir, prefix: '', abandoned: false }];
  for (const e of fs.readdirSync(logDir, { withFileTypes: true })) {
    const dir = path.join(logDir, e.name);
    if (!e.isDirectory() || path.resolve(dir) === path.resolve(archiveDir)) continue;
    const lastWrite = lastWriteOfLogDirectory(dir);
    if (lastWrite !== null) dirs.push({ dir, prefix: `${e.name}.`, abandoned: now - lastWrite > ABANDONED_AFTER_MS });
  }
  return dirs;
}
