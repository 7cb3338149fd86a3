/**
 * One migrator at a time per database. knex's own lock lives in tables knex creates on first use,
 * and creating them races: pods migrating a fresh database together failed with
 * "knex_migrations already exists". A PostgreSQL session advisory lock exists before any table
 * does, so it covers the very first migration too.
 *
 * The lock is held on one pooled connection while knex migrates on others, so the pool needs two
 * connections. It is a session lock: through PgBouncer in transaction mode it is not reliable, so
 * the migration connects to PostgreSQL directly (docs/deploy.md). Embedded PGlite is one process
 * with one connection: nothing can run concurrently, and no lock is taken.
 */
import type { Knex } from 'knex';
import { isEmbedded } from './knex.ts';

/** Fixed key of the advisory lock (any bigint; this one spells "feexpay migrations"). */
export const MIGRATION_LOCK_KEY = 0x6665_6578_6d69_67n;

export interface MigrationLockOptions {
  /** How long to wait for another migrator before failing (default 10 minutes). */
  lockTimeoutMs?: number;
  /** Pause between attempts to take the lock. */
  lockPollMs?: number;
}

export class MigrationLockTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`another process held the migration lock for more than ${waitedMs} ms; is a migration stuck?`);
    this.name = 'MigrationLockTimeoutError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withMigrationLock<T>(db: Knex, opts: MigrationLockOptions, fn: () => Promise<T>): Promise<T> {
  if (isEmbedded(db)) return fn();
  const timeoutMs = opts.lockTimeoutMs ?? 600_000;
  const pollMs = opts.lockPollMs ?? 250;
  const key = MIGRATION_LOCK_KEY.toString();
  const poolMax = (db.client.config as Knex.Config).pool?.max ?? 0;
  if (poolMax < 2) throw new Error(`migrating needs a pool of 2 connections or more (the lock holds one), got ${poolMax}`);
  const conn = await db.client.acquireConnection();
  try {
    // Polling with pg_try_advisory_lock bounds the wait; pg_advisory_lock would block forever
    // behind a stuck migrator.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = (await db.raw('select pg_try_advisory_lock(?::bigint) as locked', [key]).connection(conn)) as { rows: { locked: boolean }[] };
      if (rows[0]!.locked) break;
      if (Date.now() >= deadline) throw new MigrationLockTimeoutError(timeoutMs);
      await sleep(pollMs);
    }
    try {
      return await fn();
    } finally {
      await db.raw('select pg_advisory_unlock(?::bigint)', [key]).connection(conn);
    }
  } finally {
    await db.client.releaseConnection(conn);
  }
}
