/**
 * The log archive job: every rotated log file is gzip-compressed into the archive directory and
 * removed only once its archive is verified; then archives past the retention period go. A file
 * that cannot be archived is reported and left in place, and the run carries on with the others.
 * LOG_DIR and its per-pod subdirectories are each a set of series (log-dirs.ts); the directory of
 * a pod that is gone is archived whole and removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipHash, gzipVerified } from './gzip-verified.ts';
import { applyRetention } from './retention.ts';
import { logDirectories, type LogDirectory } from './log-dirs.ts';
import { scanLogDir } from './rotated-files.ts';
import { LOG_FILES } from '../observability/logger.ts';
import { WRITER_MARK_FILE } from '../observability/log-writer-mark.ts';
import { createHash } from 'node:crypto';

export interface ArchiveOptions {
  logDir: string;
  archiveDir: string;
  retentionDays: number;
  now?: Date;
}

export interface ArchiveReport {
  archived: { file: string; archive: string; bytesIn: number; bytesOut: number }[];
  failed: { file: string; error: string }[];
  active: string[];
  /** Subdirectories whose writer is gone: archived whole, then removed (if nothing else was left in them). */
  abandoned: string[];
  kept: string[];
  removed: string[];
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

function fileHash(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * The archive's name carries the log's last-write time, since pino-roll reuses numbers after the
 * directory is emptied. A name already taken by the same content means an earlier run archived
 * it and stopped before removing the original.
 */
async function destinationFor(file: string, archiveDir: string, prefix: string): Promise<{ dest: string; alreadyArchived: boolean }> {
  const base = `${prefix}${path.basename(file)}-${stamp(fs.statSync(file).mtime)}`;
  for (let i = 0; ; i++) {
    const dest = path.join(archiveDir, `${base}${i ? `-${i}` : ''}.gz`);
    if (!fs.existsSync(dest)) return { dest, alreadyArchived: false };
    const same = await gunzipHash(dest).then(
      (h) => h === fileHash(file),
      () => false,
    );
    if (same) return { dest, alreadyArchived: true };
  }
}

/** A LOG_DIR that is not there is a wrong setting: creating it would report "nothing to archive". */
function ensureLogDir(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new Error(`LOG_DIR ${dir} does not exist: is it the directory the service writes its logs to?`);
  }
  if (!stat.isDirectory()) throw new Error(`LOG_DIR ${dir} is not a directory`);
}

async function archiveFile(file: string, prefix: string, archiveDir: string, report: ArchiveReport): Promise<void> {
  try {
    const { dest, alreadyArchived } = await destinationFor(file, archiveDir, prefix);
    const size = fs.statSync(file).size;
    const result = alreadyArchived ? { bytesIn: size, bytesOut: fs.statSync(dest).size } : await gzipVerified(file, dest);
    fs.unlinkSync(file);
    report.archived.push({ file, archive: dest, bytesIn: result.bytesIn, bytesOut: result.bytesOut });
  } catch (err) {
    report.failed.push({ file, error: (err as Error).message });
  }
}

/** After its files are archived: the stable-name links and the writer's mark go, then the directory if it is empty. */
function removeAbandoned(dir: string, report: ArchiveReport): void {
  const leftovers = fs.readdirSync(dir).filter((n) => n.startsWith(`${WRITER_MARK_FILE}.`) && n.endsWith('.tmp'));
  for (const name of [...Object.values(LOG_FILES), WRITER_MARK_FILE, ...leftovers]) fs.rmSync(path.join(dir, name), { force: true });
  try {
    fs.rmdirSync(dir);
    report.abandoned.push(dir);
  } catch {
    // Files the archive does not know, or one that failed: kept, with the directory, for a person to look at.
  }
}

async function archiveDirectory(d: LogDirectory, archiveDir: string, report: ArchiveReport): Promise<void> {
  const scan = scanLogDir(d.dir);
  const files = d.abandoned ? [...scan.rotated.map((r) => r.path), ...scan.active] : scan.rotated.map((r) => r.path);
  if (!d.abandoned) report.active.push(...scan.active);
  for (const file of files) await archiveFile(file, d.prefix, archiveDir, report);
  if (d.abandoned) removeAbandoned(d.dir, report);
}

export async function archiveLogs(opts: ArchiveOptions): Promise<ArchiveReport> {
  ensureLogDir(opts.logDir);
  fs.mkdirSync(opts.archiveDir, { recursive: true, mode: 0o750 });
  const report: ArchiveReport = { archived: [], failed: [], active: [], abandoned: [], kept: [], removed: [] };
  for (const d of logDirectories(opts.logDir, opts.archiveDir, (opts.now ?? new Date()).getTime())) await archiveDirectory(d, opts.archiveDir, report);
  const retention = applyRetention(opts.archiveDir, opts.retentionDays, opts.now);
  report.kept = retention.kept;
  report.removed = retention.removed;
  return report;
}
