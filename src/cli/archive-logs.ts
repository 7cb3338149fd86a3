/**
 * `npm run archive:logs`: compresses the rotated log files of LOG_DIR and of its per-pod
 * subdirectories into LOG_ARCHIVE_DIR (default <LOG_DIR>/archive), the whole directory of a pod
 * that is gone, and deletes archives older than LOG_RETENTION_DAYS (default 365).
 * Meant for a daily CronJob; exits 1 if any file could not be archived.
 */
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { archiveLogs, type ArchiveReport } from '../archive/archive-logs.ts';
import { parseCliArgs } from './cli-args.ts';
import { runCli } from './run-cli.ts';

const USAGE =
  'usage: npm run archive:logs\n' +
  'Compresses the rotated log files of LOG_DIR and of its per-pod subdirectories (the whole directory of\n' +
  'a writer gone for an hour) into LOG_ARCHIVE_DIR (default <LOG_DIR>/archive) and deletes archives older\n' +
  'than LOG_RETENTION_DAYS (default 365). Exit 1 if a file could not be archived.\n';
parseCliArgs('archive:logs', USAGE, {});

function print(report: ArchiveReport, logDir: string, archiveDir: string, days: number): void {
  const out: string[] = [];
  // Relative to LOG_DIR: each pod's directory on a shared volume has its own app.3.log.
  const name = (file: string) => path.relative(logDir, file);
  for (const a of report.archived) {
    out.push(`archived ${name(a.file)} -> ${path.basename(a.archive)} (${a.bytesIn} -> ${a.bytesOut} bytes)`);
  }
  for (const f of report.failed) out.push(`FAILED   ${name(f.file)}: ${f.error} (left in place)`);
  for (const a of report.active) out.push(`active   ${name(a)} (not touched)`);
  for (const d of report.abandoned) out.push(`finished ${name(d)}/ (its writer is gone: archived whole and removed)`);
  for (const r of report.removed) out.push(`removed  ${r} (older than ${days} days)`);
  out.push(`kept     ${report.kept.length} archive(s) in ${archiveDir}${report.kept.length ? ':' : ''}`);
  for (const k of report.kept) out.push(`           ${k}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.logDir) {
    process.stderr.write('archive:logs: LOG_DIR is not set, there are no log files to archive\n');
    return 2;
  }
  const archiveDir = path.resolve(config.operators.logArchiveDir ?? path.join(config.logDir, 'archive'));
  const days = config.operators.logRetentionDays;
  const logDir = path.resolve(config.logDir);
  const report = await archiveLogs({ logDir, archiveDir, retentionDays: days });
  print(report, logDir, archiveDir, days);
  return report.failed.length ? 1 : 0;
}

runCli('archive:logs', main, USAGE);
