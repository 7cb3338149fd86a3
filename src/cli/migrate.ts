/**
 * `npm run migrate`: applies the knex migrations. In Kubernetes the migration Job of each release
 * runs this (docs/deploy.md); the serving containers do not migrate (MIGRATE_ON_START=false).
 * `--wait[=SECONDS]` migrates nothing: it waits until this build's migrations are all applied (by
 * the Job), so API pods never serve on an older schema; on a newer schema it returns at once.
 * MIGRATION_DATABASE_URL, when set, is used instead of DATABASE_URL: the migration's advisory lock
 * needs a direct PostgreSQL session, not a PgBouncer transaction-mode pool.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { loadConfig } from '../config.ts';
import { createKnex } from '../db/knex.ts';
import { migrateLatest, pendingMigrations } from '../db/migrate.ts';
import { UsageError } from './cli-args.ts';
import { runCli } from './run-cli.ts';

const USAGE = 'usage: npm run migrate [-- --wait[=SECONDS]]\n' + 'Applies the migrations; with --wait, applies none and waits (default 600 s) until they are all applied.\n';

function parseArgs(argv: string[]): { wait: number | null } | 'help' {
  let wait: number | null = null;
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') return 'help';
    const m = /^--wait(?:=(\d+))?$/.exec(arg);
    if (!m) throw new UsageError(`unknown argument "${arg}"`);
    wait = m[1] ? Number(m[1]) : 600;
  }
  return { wait };
}

async function waitForSchema(db: Knex, seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const pending = await pendingMigrations(db);
    if (!pending.length) {
      process.stdout.write('schema ready for this build\n');
      return 0;
    }
    if (Date.now() >= deadline) {
      process.stderr.write(`migrate: still pending after ${seconds} s: ${pending.join(', ')} (has the migration Job run?)\n`);
      return 1;
    }
    await sleep(2_000);
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const env = process.env.MIGRATION_DATABASE_URL ? { ...process.env, DATABASE_URL: process.env.MIGRATION_DATABASE_URL } : process.env;
  const config = loadConfig(env);
  // Two connections: one holds the migration lock, one migrates.
  const db = createKnex({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    if (args.wait !== null) return await waitForSchema(db, args.wait);
    const applied = await migrateLatest(db, {
      onUnknown: (names) => process.stdout.write(`newer release's migrations present, left as they are: ${names.join(', ')}\n`),
    });
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database already up to date\n');
    return 0;
  } finally {
    await db.destroy();
  }
}

runCli('migrate', main, USAGE);
