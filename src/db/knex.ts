/**
 * The one database handle: a PostgreSQL pool when DATABASE_URL is set, otherwise embedded PGlite
 * persisted under DATA_DIR so `npm start` works on a bare machine.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { ConfigError } from '../config.ts';
import { makeDirectory } from '../startup-checks.ts';
import { lockEmbeddedDatabase } from './embedded-lock.ts';

// int8 (COUNT, SUM, amounts) as numbers: amounts are capped at 2,000,000 and sums stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Bounds on each call; without them a server that stops answering holds a request forever. */
export interface DatabaseTimeoutOptions {
  statementTimeoutMs: number;
  queryTimeoutMs: number;
  connectTimeoutMs: number;
  acquireTimeoutMs: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
const DEFAULT_ACQUIRE_TIMEOUT_MS = 5_000;
/** Idle pool connections are probed by TCP keepalive, so a dead peer is noticed without traffic. */
const KEEPALIVE_DELAY_MS = 10_000;
export const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';

interface PgConnection {
  query: (config: unknown, callback?: (err: Error | null, res?: unknown) => void) => unknown;
  connection?: { stream?: { destroy: (err?: Error) => void } };
  __knex__disposed?: unknown;
}

/**
 * pg's query_timeout answers the caller but leaves the query on the wire: the connection stays
 * busy with it, every later query on it waits behind, and the pool never recovers from a silent
 * server. A timed-out connection is therefore marked for disposal and closed at once.
 */
function dropOnTimeout(conn: PgConnection, done: (err: Error | null, conn: PgConnection) => void): void {
  const query = conn.query.bind(conn);
  conn.query = (config, callback) => {
    if (typeof callback !== 'function') return query(config, callback);
    return query(config, (err, res) => {
      if (err?.message === QUERY_TIMEOUT_MESSAGE) {
        conn.__knex__disposed = err;
        conn.connection?.stream?.destroy();
      }
      callback(err, res);
    });
  };
  done(null, conn);
}

export interface DatabaseOptions {
  databaseUrl: string | null;
  /** Directory for PGlite; 'memory://' keeps it in memory (tests). */
  dataDir: string;
  poolMax?: number;
  /** PostgreSQL schema to use (tests isolate themselves in their own schema or database). */
  searchPath?: string;
  /** The service's bounds; commands that run long on purpose (migrations, exports) go without. */
  timeouts?: DatabaseTimeoutOptions;
  /** Where knex's own warnings go (pool errors); without it knex prints them to the console. */
  log?: { warn: (obj: object, msg: string) => void };
  /**
   * An in-memory embedded database starts as a copy of this dump (dumpEmbedded) instead of an
   * empty cluster: the tests load one migrated database per process instead of running initdb
   * and the migrations for each.
   */
  embeddedImage?: Blob;
}

/** knex's logger, as structured lines: its messages are free text, sometimes with a stack. */
function knexLog(log: NonNullable<DatabaseOptions['log']>): Knex.Config['log'] {
  const line = (level: string) => (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    log.warn({ event: 'db.knex', knex_level: level }, text.split('\n')[0]!.slice(0, 300));
  };
  return { warn: line('warn'), error: line('error'), deprecate: line('deprecate'), debug: () => undefined };
}

type PgLiteClient = typeof import('knex-pglite');
type PGliteModule = typeof import('@electric-sql/pglite');
type PGlite = InstanceType<PGliteModule['PGlite']>;
let pgLiteClient: PgLiteClient | undefined;
// Loads the embedded database's modules on first use only (see embeddedClient).
const requireLazily = createRequire(import.meta.url);

/**
 * knex-pglite, and PGlite with it, loaded on first use: a service on PostgreSQL never needs them,
 * and loaded they held about 2 MB of its heap (sources, WebAssembly glue, a source map).
 */
function embeddedClient(): PgLiteClient {
  pgLiteClient ??= requireLazily('knex-pglite') as PgLiteClient;
  return pgLiteClient;
}

export function createKnex(opts: DatabaseOptions): Knex {
  if (opts.databaseUrl) {
    const t = opts.timeouts;
    const connectTimeout = t?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const acquireTimeout = t?.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
    return knexFactory({
      client: 'pg',
      connection: {
        connectionString: opts.databaseUrl,
        application_name: 'feexpay-gateway',
        connectionTimeoutMillis: connectTimeout,
        keepAlive: true,
        keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
        ...(t
          ? {
              statement_timeout: t.statementTimeoutMs,
              query_timeout: t.queryTimeoutMs,
              // A client gone mid-transaction must not hold its locks until TCP gives up.
              idle_in_transaction_session_timeout: t.queryTimeoutMs * 2,
            }
          : {}),
      },
      searchPath: opts.searchPath ? [opts.searchPath] : undefined,
      pool: {
        min: 0,
        max: opts.poolMax ?? 10,
        // Without these a dead server makes queries wait for a pool slot forever.
        acquireTimeoutMillis: acquireTimeout,
        createTimeoutMillis: connectTimeout,
        idleTimeoutMillis: 30_000,
        ...(t ? { afterCreate: dropOnTimeout } : {}),
      },
      acquireConnectionTimeout: acquireTimeout,
      ...(opts.log ? { log: knexLog(opts.log) } : {}),
    } as Knex.Config);
  }
  if (opts.dataDir === 'memory://') {
    const { PGlite } = requireLazily('@electric-sql/pglite') as PGliteModule;
    const pglite = new PGlite(opts.embeddedImage ? { loadDataDir: opts.embeddedImage } : {});
    return knexFactory({ client: embeddedClient(), dialect: 'postgres', connection: { pglite } } as Knex.Config);
  }
  const dir = path.join(opts.dataDir, 'pglite');
  try {
    makeDirectory(dir);
  } catch (err) {
    throw new ConfigError('DATA_DIR', `cannot hold the embedded database (${(err as NodeJS.ErrnoException).code}): ${opts.dataDir}`);
  }
  const release = lockEmbeddedDatabase(opts.dataDir);
  const db = knexFactory({ client: embeddedClient(), dialect: 'postgres', connection: { filename: dir } } as Knex.Config);
  embeddedLocks.set(db, release);
  return db;
}

const embeddedLocks = new WeakMap<Knex, () => void>();

/** Destroys the handle and, for an embedded database on disk, gives its directory's lock back. */
export async function closeDatabase(db: Knex): Promise<void> {
  try {
    await db.destroy();
  } finally {
    embeddedLocks.get(db)?.();
  }
}

/** The whole of an in-memory embedded database, uncompressed, for `embeddedImage`. */
export async function dumpEmbedded(db: Knex): Promise<Blob> {
  // The instance createKnex handed to knex-pglite, as knex keeps its configuration.
  const { pglite } = (db.client.config.connection ?? {}) as { pglite?: PGlite };
  if (!isEmbedded(db) || !pglite) throw new Error('only an in-memory embedded database can be dumped');
  return pglite.dumpDataDir('none');
}

export function isEmbedded(db: Knex): boolean {
  return pgLiteClient !== undefined && db.client.config.client === pgLiteClient;
}
