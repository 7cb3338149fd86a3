/**
 * The one database handle: a PostgreSQL pool when DATABASE_URL is set, otherwise embedded PGlite
 * persisted under DATA_DIR so `npm start` works on a bare machine.
 */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';

// int8 (COUNT, SUM, amounts) as numbers: amounts are capped at 2,000,000 and sums stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface DatabaseOptions {
  databaseUrl: string | null;
  /** Directory for PGlite; 'memory://' keeps it in memory (tests). */
  dataDir: string;
  poolMax?: number;
  /** PostgreSQL schema to use (tests isolate themselves in their own schema or database). */
  searchPath?: string;
}

export function createKnex(opts: DatabaseOptions): Knex {
  if (opts.databaseUrl) {
    return knexFactory({
      client: 'pg',
      connection: { connectionString: opts.databaseUrl, application_name: 'feexpay-gateway' },
      searchPath: opts.searchPath ? [opts.searchPath] : undefined,
      pool: {
        min: 0,
        max: opts.poolMax ?? 10,
        // Without these a dead server makes queries wait for a pool slot forever.
        acquireTimeoutMillis: 5_000,
        createTimeoutMillis: 3_000,
        idleTimeoutMillis: 30_000,
      },
      acquireConnectionTimeout: 5_000,
    });
  }
  if (opts.dataDir === 'memory://') {
    return knexFactory({ client: ClientPgLite, dialect: 'postgres', connection: {} } as Knex.Config);
  }
  const dir = path.join(opts.dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  return knexFactory({ client: ClientPgLite, dialect: 'postgres', connection: { filename: dir } } as Knex.Config);
}

export function isEmbedded(db: Knex): boolean {
  return db.client.config.client === ClientPgLite;
}
