/**
 * Checks the start makes before anything else opens a file: a directory setting that cannot be
 * used stops the start with a message naming the variable, instead of a logger worker or the
 * embedded database failing later in a way nobody sees (no log at all, a spinning process).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.ts';

/** Creates `dir` if needed and proves this process can write a file in it. */
export function ensureWritableDirectory(variable: string, dir: string): void {
  const probe = path.join(dir, `.write-check-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'is not a directory' : e.code === 'EACCES' || e.code === 'EPERM' ? 'is not writable by this process' : `cannot be used (${e.code ?? e.message})`;
    throw new ConfigError(variable, `${why}: ${dir}`);
  }
}

/** What a failed listen() means, in terms of the variable to change. */
export function describeListenError(err: NodeJS.ErrnoException, host: string, port: number): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `Cannot listen: PORT ${port} is already in use on ${host}`;
    case 'EACCES':
      return `Cannot listen: PORT ${port} needs privileges this process does not have`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return `Cannot listen: HOST ${host} is not an address of this machine (${err.code})`;
    default:
      return `Cannot listen on HOST ${host}, PORT ${port}: ${err.message}`;
  }
}
