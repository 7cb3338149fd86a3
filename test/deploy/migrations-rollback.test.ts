/**
 * Rollback: after a newer release migrated the database, this build's migration command and
 * service both start on it (the newer migration is reported, not fatal) and serve payments. And
 * the very first migration is safe when several migrators start together on an empty database
 * (real PostgreSQL: concurrent init containers or Jobs); a migrator stuck behind the lock gives
 * up in bounded time.
 * PGlite when TEST_DATABASE_URL is unset (a data directory shared in turn by the processes),
 * a fresh PostgreSQL database otherwise.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { Knex } from 'knex';
import { closeDatabase, createKnex } from '../../src/db/knex.ts';
import { MIGRATION_LOCK_KEY, MigrationLockTimeoutError } from '../../src/db/migration-lock.ts';
import { MIGRATIONS, migrateLatest, migrationSource } from '../../src/db/migrate.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { LOG_DIR, TEST_ENV } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { freePort, startServiceProcess } from '../faults/service-process.ts';

const run = promisify(execFile);
const adminUrl = process.env.TEST_DATABASE_URL;

/** What a newer release adds: expand only (a nullable column, a new table), as docs/deploy.md asks. */
const OURS = Object.keys(MIGRATIONS).sort();
const NEWER = '999_newer_release';
const newerRelease = {
  ...MIGRATIONS,
  [NEWER]: {
    up: async (db: Knex) => {
      await db.raw('ALTER TABLE payments ADD COLUMN newer_release_note text');
      await db.raw('CREATE TABLE newer_release_things (id bigserial PRIMARY KEY, note text)');
    },
    down: async (db: Knex) => {
      await db.raw('DROP TABLE newer_release_things');
      await db.raw('ALTER TABLE payments DROP COLUMN newer_release_note');
    },
  },
};

interface Target {
  /** Environment that points the service and the CLI at the database. */
  env: Record<string, string>;
  connect(poolMax?: number): Knex;
  drop(): Promise<void>;
}

const admin = adminUrl ? createKnex({ databaseUrl: adminUrl, dataDir: '' }) : null;

async function newTarget(): Promise<Target> {
  if (!admin) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollback-'));
    return {
      env: { DATA_DIR: dataDir },
      connect: () => createKnex({ databaseUrl: null, dataDir }),
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `fgw_rollback_${randomBytes(5).toString('hex')}`;
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    connect: (poolMax = 4) => createKnex({ databaseUrl: url.toString(), dataDir: '', poolMax }),
    drop: () => admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}

let target: Target;
let apiKey: string;

before(async () => {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  target = await newTarget();
  const db = target.connect();
  try {
    assert.deepEqual(await migrateLatest(db, { migrations: newerRelease }), [...OURS, NEWER]);
    // Without the tolerance, knex itself refuses this database: what broke `kubectl rollout undo`.
    await assert.rejects(db.migrate.latest({ migrationSource: migrationSource() }), /migration directory is corrupt/);
    ({ apiKey } = await createMerchant(db, 'merchant rollback'));
  } finally {
    await closeDatabase(db);
  }
});
after(async () => {
  await target.drop();
  await admin?.destroy();
});

test("this build's migration command runs on a database a newer release migrated, and says so", async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], {
    env: { PATH: process.env.PATH ?? '', ...target.env },
    timeout: 60_000,
  });
  assert.match(stdout, new RegExp(`newer release's migrations present, left as they are: ${NEWER}\n`));
  assert.match(stdout, /database already up to date/);
  const db = target.connect();
  try {
    const names = (await db('knex_migrations').select('name').orderBy('id')).map((r: { name: string }) => r.name);
    assert.deepEqual(names, [...OURS, NEWER], 'nothing applied twice, nothing rolled back');
  } finally {
    await closeDatabase(db);
  }
});

test('this build starts on the newer schema (migrating at start) and takes a payment', async () => {
  const logFile = path.join(LOG_DIR, 'deploy-rollback.log');
  fs.rmSync(logFile, { force: true });
  const port = await freePort();
  const service = await startServiceProcess(
    { ...target.env, WEBHOOK_TOKEN: TEST_ENV.WEBHOOK_TOKEN!, LOG_LEVEL: 'info', RECONCILER_ENABLED: 'false', MIGRATE_ON_START: 'true' },
    port,
    logFile,
  );
  try {
    const created = await call(service.url, 'POST', '/v1/payments', {
      apiKey,
      headers: { 'idempotency-key': newKey('rollback') },
      body: { amount: 1500, currency: 'XOF', network: 'mtn', phone_number: '2290167000000' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const read = await call(service.url, 'GET', `/v1/payments/${created.body.id}`, { apiKey });
    assert.equal(read.status, 200);
  } finally {
    await service.stop();
  }
  const warned = fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: number; msg: string; migrations?: string[] })
    .find((l) => /newer release/.test(l.msg));
  assert.ok(warned, 'the service logs the newer migrations it found');
  assert.equal(warned.level, 40, 'a warning');
  assert.deepEqual(warned.migrations, [NEWER]);
});

const pgOnly = { skip: !adminUrl && 'PGlite is one process: concurrent migrators need TEST_DATABASE_URL' };

test('first-time migrations started together on an empty database: all succeed, each migration runs once', pgOnly, async () => {
  const fresh = await newTarget();
  const pools = Array.from({ length: 8 }, () => fresh.connect(2));
  try {
    const results = await Promise.allSettled(pools.map((db) => migrateLatest(db, { lockPollMs: 20 })));
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(failed, [], 'every migrator exits 0');
    const applied = results.flatMap((r) => (r as PromiseFulfilledResult<string[]>).value);
    assert.deepEqual(applied.sort(), OURS, 'each migration applied by exactly one of them');
    const rows = await pools[0]!('knex_migrations').count<{ count: number }[]>('* as count');
    assert.equal(Number(rows[0]!.count), OURS.length);
  } finally {
    await Promise.all(pools.map((p) => p.destroy()));
    await fresh.drop();
  }
});

test('first-time migrations in 4 processes at once (as init containers or Jobs start)', pgOnly, async () => {
  const fresh = await newTarget();
  try {
    const outs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], { env: { PATH: process.env.PATH ?? '', ...fresh.env }, timeout: 120_000 })),
    );
    const applied = outs.map((o) => o.stdout.trim());
    assert.equal(applied.filter((l) => l === `applied: ${OURS.join(', ')}`).length, 1, applied.join(' | '));
    assert.equal(applied.filter((l) => l === 'database already up to date').length, 3, applied.join(' | '));
  } finally {
    await fresh.drop();
  }
});

test('a migrator behind a stuck one gives up after its lock timeout, naming the cause', pgOnly, async () => {
  const fresh = await newTarget();
  const holder = fresh.connect(1);
  const waiter = fresh.connect(2);
  try {
    await holder.transaction(async (trx) => {
      // The same key, taken by "another process" for the duration of this transaction.
      await trx.raw('select pg_advisory_xact_lock(?::bigint)', [MIGRATION_LOCK_KEY.toString()]);
      const started = Date.now();
      await assert.rejects(migrateLatest(waiter, { lockTimeoutMs: 400, lockPollMs: 50 }), MigrationLockTimeoutError);
      const waited = Date.now() - started;
      assert.ok(waited >= 400 && waited < 5_000, `gave up after ${waited} ms`);
    });
    assert.equal(await waiter.schema.hasTable('knex_migrations'), false, 'nothing migrated without the lock');
  } finally {
    await Promise.all([holder.destroy(), waiter.destroy()]);
    await fresh.drop();
  }
});

test("--wait (the API pods' init container) returns at once on a newer schema, fails in time on an unmigrated one", async () => {
  const env = { PATH: process.env.PATH ?? '', ...target.env };
  const ready = await run(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts', '--wait=30'], { env, timeout: 60_000 });
  assert.match(ready.stdout, /schema ready for this build/);

  const fresh = await newTarget();
  try {
    const started = Date.now();
    await assert.rejects(
      run(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts', '--wait=1'], { env: { PATH: process.env.PATH ?? '', ...fresh.env }, timeout: 60_000 }),
      (err: { code: number; stderr: string }) => err.code === 1 && err.stderr.includes(`still pending after 1 s: ${OURS.join(', ')}`),
    );
    assert.ok(Date.now() - started < 30_000);
    const db = fresh.connect();
    try {
      assert.equal(await db.schema.hasTable('knex_migrations'), false, '--wait never migrates');
    } finally {
      await closeDatabase(db);
    }
  } finally {
    await fresh.drop();
  }
  await assert.rejects(
    run(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts', '--wiat'], { env, timeout: 60_000 }),
    (err: { code: number; stderr: string }) => err.code === 2 && /unknown argument "--wiat"/.test(err.stderr),
  );
});
