/**
 * A private PostgreSQL database per benchmark step (created, migrated, dropped), seeding with
 * generate_series so that 1M stored payments take seconds rather than hours of API calls, and
 * the server's own transaction counters for a cross-check of the work per request.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/knex.ts';
import { migrateLatest } from '../../src/db/migrate.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';

export interface BenchDatabase {
  name: string;
  url: string;
  db: Knex;
  merchantId: string;
  apiKey: string;
  drop(): Promise<void>;
}

/** The admin connection every benchmark creates its databases with: --database, BENCH_DATABASE_URL, TEST_DATABASE_URL or the local server. */
export function benchAdminUrl(arg: string | undefined): string {
  return arg ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export async function createBenchDatabase(adminUrl: string, label: string): Promise<BenchDatabase> {
  // BENCH_DATABASE_PREFIX keeps the names of one user of a shared server apart from another's.
  const name = `${process.env.BENCH_DATABASE_PREFIX ?? 'fgw_bench_'}${label}_${randomBytes(4).toString('hex')}`;
  const admin = createKnex({ databaseUrl: adminUrl, dataDir: '' });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createKnex({ databaseUrl: url.toString(), dataDir: '', poolMax: 4 });
  await migrateLatest(db);
  const { merchant, apiKey } = await createMerchant(db, `bench ${label}`);
  return {
    name,
    url: url.toString(),
    db,
    merchantId: merchant.id,
    apiKey,
    drop: async () => {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

/**
 * Adds stored payments numbered [from, to): mostly settled, 1% failed, a few pending far in the
 * future (so the reconciler does not churn on them), each with its idempotency key and, through
 * the audit trigger, its creation event, as the API would have left them.
 */
export async function seedPayments(b: BenchDatabase, from: number, to: number, batch = 100_000): Promise<void> {
  for (let lo = from; lo < to; lo += batch) {
    const hi = Math.min(lo + batch, to) - 1;
    await b.db.raw(
      `WITH ins AS (
         INSERT INTO payments (id, merchant_id, status, amount, currency, network, phone_number, feexpay_reference,
                               failure_reason, status_source, next_check_at, expires_at, created_at, updated_at, settled_at)
         SELECT gen_random_uuid(), :merchant,
                CASE WHEN g % 100 = 1 THEN 'failed' WHEN g % 1000 = 2 THEN 'pending' ELSE 'successful' END,
                1000 + g % 5000, 'XOF', 'mtn', '22901' || lpad((g % 100000000)::text, 8, '0'), 'seed-' || g,
                CASE WHEN g % 100 = 1 THEN 'insufficient_funds' END, 'api',
                now() + interval '1 day', now() + interval '2 days',
                now() - (g % 2592000) * interval '1 second', now(), now()
         FROM generate_series(:lo::bigint, :hi::bigint) AS g
         RETURNING id, merchant_id, created_at)
       INSERT INTO idempotency_keys (merchant_id, key, request_hash, state, payment_id, response_status, response_body, created_at, expires_at)
       SELECT merchant_id, 'seed-' || id, md5(id::text), 'done', id, 201, '{}'::jsonb, created_at, now() + interval '24 hours' FROM ins`,
      { merchant: b.merchantId, lo, hi },
    );
  }
  await b.db.raw('ANALYZE');
}

export async function samplePaymentIds(b: BenchDatabase, n: number): Promise<string[]> {
  const { rows } = await b.db.raw(`SELECT id FROM payments ORDER BY random() LIMIT :n`, { n });
  return (rows as { id: string }[]).map((r) => r.id);
}

export interface DbCounters {
  commits: number;
  inserted: number;
  updated: number;
  fetched: number;
}

/** The server's per-database counters; they are flushed asynchronously, so callers pause first. */
export async function dbCounters(b: BenchDatabase): Promise<DbCounters> {
  await b.db.raw('SELECT pg_stat_clear_snapshot()');
  const { rows } = await b.db.raw(
    `SELECT xact_commit AS commits, tup_inserted AS inserted, tup_updated AS updated, tup_fetched AS fetched
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  const r = rows[0] as Record<string, string>;
  return { commits: Number(r.commits), inserted: Number(r.inserted), updated: Number(r.updated), fetched: Number(r.fetched) };
}
