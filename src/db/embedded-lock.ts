/**
 * The embedded database is a directory one process may open at a time: a second process (say
 * `npm run merchant:create` beside `npm start`) would write to its own copy in memory and lose it,
 * printing an API key that never works. A lock file with the owner's pid stops the second one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.ts';

const LOCK_FILE = 'gateway.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock on `dir` for this process; returns the release. A dead owner's lock is taken over. */
export function lockEmbeddedDatabase(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new ConfigError(
          'DATA_DIR',
          `holds an embedded database already open in process ${owner} (${file}); stop that process first, or use PostgreSQL (DATABASE_URL) to run more than one`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new ConfigError('DATA_DIR', `could not take the embedded database lock ${file}`);
}
