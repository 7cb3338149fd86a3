/**
 * Migrations are TypeScript modules listed here rather than discovered on disk, so they run the
 * same under tsx, in tests and in the container image.
 */
import type { Knex } from 'knex';
import * as initial from './migrations/001_initial.ts';

const migrations: Record<string, { up(db: Knex): Promise<void>; down(db: Knex): Promise<void> }> = {
  '001_initial': initial,
  '002_report_runs': await import('./migrations/002_report_runs.ts'),
  '003_payment_review': await import('./migrations/003_payment_review.ts'),
  '006_payouts': await import('./migrations/006_payouts.ts'),
};

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource: source })) as [number, string[]];
  return applied;
}
