/**
 * Used fraction of the filesystem holding the log directory, for the log-disk gauge: rotated logs
 * are bounded per file, but a full disk stops the database and the service with it.
 */
import { statfs } from 'node:fs/promises';

/** 0..1, or null when the directory cannot be inspected (absent, no permission, no statfs). */
export async function logDiskUsageRatio(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    // Like df: blocks reserved for root count as neither used nor available to us.
    const used = s.blocks - s.bfree;
    const usable = used + s.bavail;
    if (usable <= 0) return null;
    return Math.min(1, Math.max(0, used / usable));
  } catch {
    return null;
  }
}
