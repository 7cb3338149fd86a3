/** The knex handle as `fastify.db`; migrations run before the app is ready unless disabled. */
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { ConfigError } from '../../config.ts';
import { closeIdleConnections } from '../../db/idle-connections.ts';
import { closeDatabase, createKnex, isEmbedded, type DatabaseTimeoutOptions } from '../../db/knex.ts';
import { migrateLatest } from '../../db/migrate.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Knex;
  }
}

export interface DbPluginOptions {
  databaseUrl: string | null;
  dataDir: string;
  poolMax: number;
  migrate: boolean;
  timeouts?: DatabaseTimeoutOptions;
  /** How long the start waits for the database to answer before it gives up (0: one try). */
  startTimeoutMs?: number;
  /** Tests hand in their own handle (own schema or database) and keep ownership of it. */
  db?: Knex;
}

const RETRY_EVERY_MS = 1_000;

/** Where the database is, without the credentials, for a message a person can act on. */
function describeUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/**
 * A database that is not up yet (a container starting beside the service) is waited for, up to a
 * bound; past it the start fails with a message naming DATABASE_URL, never with a raw stack.
 */
async function waitForDatabase(db: Knex, databaseUrl: string, timeoutMs: number, log: { warn: (o: object, m: string) => void }): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.raw('SELECT 1');
      return;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const reason = e.code ?? e.message?.slice(0, 120) ?? 'unknown error';
      if (Date.now() + RETRY_EVERY_MS > until) {
        throw new ConfigError(
          'DATABASE_URL',
          `points to a database that does not answer (${describeUrl(databaseUrl)}: ${reason}) after ${attempt} attempts over ${Math.round(timeoutMs / 1000)} s (DATABASE_START_TIMEOUT_MS)`,
        );
      }
      log.warn({ event: 'database.waiting', attempt, reason, database: describeUrl(databaseUrl) }, 'database not reachable yet (DATABASE_URL); retrying');
      await new Promise((r) => setTimeout(r, RETRY_EVERY_MS));
    }
  }
}

export default fp<DbPluginOptions>(
  async (app, opts) => {
    const db =
      opts.db ?? createKnex({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, poolMax: opts.poolMax, timeouts: opts.timeouts, log: app.log.child({ component: 'db' }) });
    app.decorate('db', db);
    if (!opts.db) {
      // When the drain starts, not after in-flight requests have finished.
      if (!isEmbedded(db)) {
        app.onDrain(async () => {
          if (!closeIdleConnections(db)) app.log.warn({ event: 'database.drain' }, 'the pool cannot close idle connections early; they close at the end of the drain');
        });
      }
      app.addHook('onClose', async () => closeDatabase(db));
    }
    if (!opts.db && opts.databaseUrl) {
      try {
        await waitForDatabase(db, opts.databaseUrl, opts.startTimeoutMs ?? 0, app.log);
      } catch (err) {
        await closeDatabase(db);
        throw err;
      }
    }
    if (opts.migrate) {
      // A migration may run longer than a request's statement bound (an index on a big table):
      // it gets a handle of its own, without the bounds.
      const migrator = opts.timeouts && !opts.db && opts.databaseUrl ? createKnex({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, poolMax: 2 }) : db;
      try {
        const applied = await migrateLatest(migrator, {
          onUnknown: (names) => app.log.warn({ migrations: names }, 'database holds migrations of a newer release; starting on it (expand/contract)'),
        });
        if (applied.length) app.log.info({ migrations: applied }, 'database migrated');
      } finally {
        if (migrator !== db) await migrator.destroy();
      }
    }
    if (isEmbedded(db)) {
      app.log.warn({ data_dir: opts.dataDir }, 'no DATABASE_URL: using the embedded PGlite database (one process only)');
    }
  },
  { name: 'db', dependencies: ['drain'] },
);
