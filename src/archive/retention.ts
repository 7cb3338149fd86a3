/** Deletes archives older than the retention period; everything else is listed as kept. */
import fs from 'node:fs';
import path from 'node:path';

export interface RetentionResult {
  kept: string[];
  removed: string[];
}

const DAY_MS = 86_400_000;

export function applyRetention(archiveDir: string, retentionDays: number, now: Date = new Date()): RetentionResult {
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  const kept: string[] = [];
  const removed: string[] = [];
  const names = fs.existsSync(archiveDir)
    ? fs
        .readdirSync(archiveDir)
        .filter((n) => n.endsWith('.gz'))
        .sort()
    : [];
  for (const name of names) {
    const file = path.join(archiveDir, name);
    const stat = fs.lstatSync(file);
    if (!stat.isFile()) continue;
    if (stat.mtimeMs < cutoff) {
      fs.unlinkSync(file);
      removed.push(name);
    } else kept.push(name);
  }
  return { kept, removed };
}
