/**
 * A draining pod gives its idle database connections back at once. Kubernetes does not count a
 * terminating pod against `maxSurge`, so during a rollout or a node drain the pods still draining
 * (up to the grace period each) sit beside their replacements; the connection budget synth checks
 * (k8s/checks.ts) counts the serving pods only. Without this, a draining pod's idle connections
 * lived until knex.destroy at the end of its drain.
 *
 * tarn, knex's pool, has no public setter for its idle timeout; its reaper reads the field on
 * every pass (once a second, `reapIntervalMillis`). With it at 0 the idle connections close now
 * and each one released later by an in-flight request closes within a second; a request that
 * needs the database during the drain opens a new one (the pool's `min` is 0). The embedded
 * database is left alone: its one connection is the database itself. A test on PostgreSQL
 * (test/faults/drain-connections.test.ts) fails if a tarn release changes what this relies on.
 */
import type { Knex } from 'knex';

interface ReapablePool {
  idleTimeoutMillis: number;
  check(): void;
}

function reapablePool(db: Knex): ReapablePool | null {
  const pool = (db.client as { pool?: Partial<ReapablePool> }).pool;
  if (!pool || typeof pool.check !== 'function' || typeof pool.idleTimeoutMillis !== 'number') return null;
  return pool as ReapablePool;
}

/** Closes the pool's idle connections now and every connection as soon as it is released. */
export function closeIdleConnections(db: Knex): boolean {
  const pool = reapablePool(db);
  if (!pool) return false;
  pool.idleTimeoutMillis = 0;
  pool.check();
  return true;
}
