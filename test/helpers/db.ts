/**
 * A private database per test file: a fresh PostgreSQL database on the real server when
 * TEST_DATABASE_URL is set (CI runs both), an in-memory PGlite otherwise.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createKnex, dumpEmbedded } from '../../src/db/knex.ts';
import { migrateLatest } from '../../src/db/migrate.ts';

export interface TestDatabase {
  db: Knex;
  /** Connection string of the private database (null on PGlite). */
  url: string | null;
  kind: 'postgres' | 'pglite';
  /** Another pool on the same database, as a second replica would have. */
  connectAgain(): Knex;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) {
    const db = await embeddedTestDatabase();
    return {
      db,
      url: null,
      kind: 'pglite',
      connectAgain: () => {
        throw new Error('PGlite is single-process: this test needs TEST_DATABASE_URL');
      },
      drop: () => db.destroy(),
    };
  }
  const name = `fgw_test_${randomBytes(6).toString('hex')}`;
  const adminDb = createKnex({ databaseUrl: admin, dataDir: '' });
  await adminDb.raw(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = createKnex({ databaseUrl: url.toString(), dataDir: '', poolMax: 20 });
  await migrateLatest(db);
  const others: Knex[] = [];
  return {
    db,
    url: url.toString(),
    kind: 'postgres',
    connectAgain: () => {
      const k = createKnex({ databaseUrl: url.toString(), dataDir: '', poolMax: 20 });
      others.push(k);
      return k;
    },
    drop: async () => {
      await Promise.all([db, ...others].map((k) => k.destroy()));
      await adminDb.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await adminDb.destroy();
    },
  };
}

let migratedImage: Promise<Blob> | undefined;

/**
 * A process's first embedded database runs initdb and the migrations, and is dumped; the later
 * ones load that dump (about 0.3 s instead of 1.1-1.4 s each, and less WebAssembly work per test).
 */
async function embeddedTestDatabase(): Promise<Knex> {
  if (migratedImage) return createKnex({ databaseUrl: null, dataDir: 'memory://', embeddedImage: await migratedImage });
  const db = createKnex({ databaseUrl: null, dataDir: 'memory://' });
  migratedImage = migrateLatest(db).then(() => dumpEmbedded(db));
  await migratedImage;
  return db;
}
