/**
 * `npm run migrate`: applies the knex migrations. In Kubernetes the migration Job of each release
 * runs this (docs/deploy.md); the serving containers do not migrate (MIGRATE_ON_START=false).
 * MIGRATION_DATABASE_URL, when set, is used instead of DATABASE_URL: the migration's advisory lock
 * needs a direct PostgreSQL session, not a PgBouncer transaction-mode pool.
 */
import { loadConfig } from '../config.ts';
import { createKnex } from '../db/knex.ts';
import { migrateLatest } from '../db/migrate.ts';
import { runCli } from './run-cli.ts';

async function main(): Promise<number> {
  const env = process.env.MIGRATION_DATABASE_URL ? { ...process.env, DATABASE_URL: process.env.MIGRATION_DATABASE_URL } : process.env;
  const config = loadConfig(env);
  // Two connections: one holds the migration lock, one migrates.
  const db = createKnex({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    const applied = await migrateLatest(db, {
      onUnknown: (names) => process.stdout.write(`newer release's migrations present, left as they are: ${names.join(', ')}\n`),
    });
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database already up to date\n');
    return 0;
  } finally {
    await db.destroy();
  }
}

runCli('migrate', main);
