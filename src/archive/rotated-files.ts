/**
 * Finds the log files pino-roll has finished with. Each stable name (app.log, ...) is a symlink
 * to the file being written, `app.<n>.log`; pino-roll also resumes writing the highest-numbered
 * file after a restart, so that one counts as active even when the link is missing or stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LOG_FILES } from '../observability/logger.ts';

export interface RotatedFile {
  /** Stable name of the series, e.g. "app.json.log". */
  series: string;
  number: number;
  path: string;
}

export interface LogDirScan {
  rotated: RotatedFile[];
  /** Files left alone because a writer may still be appending to them. */
  active: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches `app.3.log` (pino-roll's naming) and `app.log.3` (classic logrotate naming). */
function seriesPattern(name: string): RegExp {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  return new RegExp(`^(?:${escape(stem)}\\.(\\d+)${escape(ext)}|${escape(name)}\\.(\\d+))$`);
}

function linkTarget(dir: string, name: string): string | null {
  try {
    return path.basename(fs.readlinkSync(path.join(dir, name)));
  } catch {
    return null;
  }
}

export function scanLogDir(dir: string, seriesNames: readonly string[] = Object.values(LOG_FILES)): LogDirScan {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile());
  const rotated: RotatedFile[] = [];
  const active: string[] = [];
  for (const series of seriesNames) {
    const pattern = seriesPattern(series);
    const files = entries
      .map((e) => {
        const m = pattern.exec(e.name);
        return m ? { series, number: Number(m[1] ?? m[2]), path: path.join(dir, e.name) } : null;
      })
      .filter((f): f is RotatedFile => f !== null)
      .sort((a, b) => a.number - b.number);
    const linked = linkTarget(dir, series);
    const highest = files.at(-1);
    for (const f of files) {
      if (f === highest || path.basename(f.path) === linked) active.push(f.path);
      else rotated.push(f);
    }
  }
  return { rotated, active };
}
