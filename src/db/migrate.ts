/**
 * Migrations are TypeScript modules listed here rather than discovered on disk, so they run the
 * same under tsx, in tests and in the container image.
 *
 * Rollback-safe: a database migrated by a newer release holds migrations this build does not know.
 * Knex refuses such a database ("The migration directory is corrupt"), which would stop an older
 * build from starting after `kubectl rollout undo`. Migrations follow expand/contract
 * (docs/deploy.md), so the previous release runs on the next schema: unknown migrations are
 * reported, not fatal, and only this build's own pending ones are applied.
 */
import type { Knex } from 'knex';
import * as initial from './migrations/001_initial.ts';
import { withMigrationLock, type MigrationLockOptions } from './migration-lock.ts';

export interface Migration {
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_report_runs': await import('./migrations/002_report_runs.ts'),
  '003_payment_review': await import('./migrations/003_payment_review.ts'),
  '004_merchant_events': await import('./migrations/004_merchant_events.ts'),
  '005_collection_flows': await import('./migrations/005_collection_flows.ts'),
  '006_payouts': await import('./migrations/006_payouts.ts'),
  '007_test_mode': await import('./migrations/007_test_mode.ts'),
  '008_payout_events': await import('./migrations/008_payout_events.ts'),
};

/** This build's migrations by name (read-only; tests build a newer release's list from it). */
export const MIGRATIONS: Readonly<Record<string, Migration>> = migrations;

export function migrationSource(list: Record<string, Migration> = migrations): Knex.MigrationSource<string> {
  return {
    getMigrations: async () => Object.keys(list).sort(),
    getMigrationName: (name) => name,
    getMigration: async (name) => list[name]!,
  };
}

export interface MigrateOptions extends MigrationLockOptions {
  /** Told the names of applied migrations this build does not know (a newer release's). */
  onUnknown?: (names: string[]) => void;
  /** The migrations to run; tests pass a newer release's list. */
  migrations?: Record<string, Migration>;
}

/** Names recorded in knex's table, in the order they were applied; none on an empty database. */
async function appliedNames(db: Knex): Promise<string[]> {
  const table = 'knex_migrations';
  if (!(await db.schema.hasTable(table))) return [];
  return ((await db(table).select('name').orderBy('id')) as { name: string }[]).map((r) => r.name);
}

/** Applied migrations the given list does not hold: a newer release's. */
export async function unknownMigrations(db: Knex, list: Record<string, Migration> = migrations): Promise<string[]> {
  return (await appliedNames(db)).filter((name) => !(name in list));
}

/** This build's migrations the database has not applied yet. */
export async function pendingMigrations(db: Knex, list: Record<string, Migration> = migrations): Promise<string[]> {
  const applied = new Set(await appliedNames(db));
  return Object.keys(list)
    .sort()
    .filter((name) => !applied.has(name));
}

/**
 * Applies this build's pending migrations, once across concurrent callers (init containers or
 * Jobs of several pods, replicas starting together): see withMigrationLock.
 */
export async function migrateLatest(db: Knex, opts: MigrateOptions = {}): Promise<string[]> {
  const list = opts.migrations ?? migrations;
  return withMigrationLock(db, opts, async () => {
    const unknown = await unknownMigrations(db, list);
    if (unknown.length) {
      (opts.onUnknown ?? warnUnknown)(unknown);
    }
    const [, applied] = (await db.migrate.latest({
      migrationSource: migrationSource(list),
      // Checked above: unknown names are a newer release's, reported and left alone.
      disableMigrationsListValidation: true,
    })) as [number, string[]];
    return applied;
  });
}

function warnUnknown(names: string[]): void {
  process.emitWarning(`database holds migrations newer than this build: ${names.join(', ')} (rollback: expand/contract keeps them compatible)`, {
    code: 'FEEXPAY_NEWER_MIGRATIONS',
  });
}
