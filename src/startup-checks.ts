/**
 * Checks the start makes before anything else opens a file: a directory setting that cannot be
 * used stops the start with a message naming the variable, instead of a logger worker or the
 * embedded database failing later in a way nobody sees (no log at all, a spinning process).
 */
import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ConfigError } from './config.ts';

/**
 * mkdir -p, one level at a time. Node's own `mkdirSync(dir, { recursive: true })` never returns
 * for a path under /proc (it retries ENOENT for ever, at full CPU): this one fails with the error.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Creates `dir` if needed and proves this process can write a file in it. */
export function ensureWritableDirectory(variable: string, dir: string): void {
  const probe = path.join(dir, `.write-check-${process.pid}`);
  try {
    makeDirectory(dir);
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EEXIST' || e.code === 'ENOTDIR'
        ? 'is not a directory'
        : e.code === 'EACCES' || e.code === 'EPERM'
          ? 'is not writable by this process'
          : `cannot be used (${e.code ?? e.message})`;
    throw new ConfigError(variable, `${why}: ${dir}`);
  }
}

/** A HOST given as a name must resolve before anything is opened, not at listen() after the database. */
export async function ensureHostResolves(host: string): Promise<void> {
  if (net.isIP(host)) return;
  try {
    await dns.lookup(host);
  } catch (err) {
    throw new ConfigError('HOST', `does not resolve to an address of this machine: ${host} (${(err as NodeJS.ErrnoException).code})`);
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
