/** PostgreSQL or the embedded PGlite, and the bounds on every database call. */
import path from 'node:path';
import type { Config } from '../config.ts';
import { SIMULATOR_DEFAULT_API_KEY } from '../feexpay/simulator/options.ts';
import { bool, ConfigError, int, str, url, type Env } from './env.ts';

export interface DatabaseTimeouts {
  /** Server side: PostgreSQL cancels a statement running longer (statement_timeout). */
  statementTimeoutMs: number;
  /** Client side: no answer in this time and the connection is dropped (covers a silent network). */
  queryTimeoutMs: number;
  /** A new connection must be ready (TCP and start-up) within this. */
  connectTimeoutMs: number;
  /** Longest wait for a free pool connection. */
  acquireTimeoutMs: number;
}

type DatabaseSettings = Pick<Config, 'dataDir' | 'databaseUrl' | 'databasePoolMax' | 'database' | 'databaseStartTimeoutMs' | 'allowEmbeddedDatabase' | 'migrateOnStart'>;

/** `apiKey`: FEEXPAY_API_KEY, which decides whether the embedded database may be used. */
export function databaseSettings(env: Env, apiKey: string | null): DatabaseSettings {
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const allowEmbeddedDatabase = bool(env, 'ALLOW_EMBEDDED_DATABASE', false);
  // The embedded database is one process's private file: fine for a demo, not where money moves.
  // The simulator's well-known key moves no money (compose, tests); any other key is FeexPay's.
  const liveKey = apiKey !== null && apiKey !== SIMULATOR_DEFAULT_API_KEY;
  if (databaseUrl === null && !allowEmbeddedDatabase && (env.NODE_ENV === 'production' || liveKey)) {
    throw new ConfigError(
      'DATABASE_URL',
      `is required ${liveKey ? 'with a live FEEXPAY_API_KEY' : 'when NODE_ENV=production'} (set ALLOW_EMBEDDED_DATABASE=true to run on the embedded database anyway)`,
    );
  }
  const queryTimeoutMs = int(env, 'DATABASE_QUERY_TIMEOUT_MS', 5_000, 100, 600_000);
  return {
    dataDir: path.resolve(str(env, 'DATA_DIR', './data')),
    databaseUrl,
    databasePoolMax: int(env, 'DATABASE_POOL_MAX', 10, 1, 200),
    database: {
      // Below the client's bound by default, so PostgreSQL cancels a slow statement cleanly first.
      statementTimeoutMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', Math.max(100, queryTimeoutMs - 1_000), 100, 600_000),
      queryTimeoutMs,
      connectTimeoutMs: int(env, 'DATABASE_CONNECT_TIMEOUT_MS', 3_000, 100, 60_000),
      acquireTimeoutMs: int(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', 4_000, 100, 60_000),
    },
    databaseStartTimeoutMs: int(env, 'DATABASE_START_TIMEOUT_MS', 60_000, 0, 3_600_000),
    allowEmbeddedDatabase,
    migrateOnStart: bool(env, 'MIGRATE_ON_START', true),
  };
}
