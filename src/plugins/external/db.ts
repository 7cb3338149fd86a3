/** The knex handle as `fastify.db`; migrations run before the app is ready unless disabled. */
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { createKnex, isEmbedded } from '../../db/knex.ts';
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
  /** Tests hand in their own handle (own schema or database) and keep ownership of it. */
  db?: Knex;
}

export default fp<DbPluginOptions>(
  async (app, opts) => {
    const db = opts.db ?? createKnex({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, poolMax: opts.poolMax });
    app.decorate('db', db);
    if (opts.migrate) {
      const applied = await migrateLatest(db, {
        onUnknown: (names) => app.log.warn({ migrations: names }, 'database holds migrations of a newer release; starting on it (expand/contract)'),
      });
      if (applied.length) app.log.info({ migrations: applied }, 'database migrated');
    }
    if (isEmbedded(db)) {
      app.log.warn({ data_dir: opts.dataDir }, 'no DATABASE_URL: using the embedded PGlite database (one process only)');
    }
    if (!opts.db) app.addHook('onClose', async () => db.destroy());
  },
  { name: 'db' },
);
