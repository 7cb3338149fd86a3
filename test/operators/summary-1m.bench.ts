/**
 * Scratch benchmark, not part of the suite: the admin summary against a million payments on a
 * real PostgreSQL. Creates its own database, fills it with generate_series, prints EXPLAIN
 * ANALYZE of each dashboard query and the summary's wall time per period, then drops it.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx test/operators/summary-1m.bench.ts [rows]
 */
import { createTestDatabase } from '../helpers/db.ts';
import { parseFilter } from '../../src/admin/filters.ts';
import { buildSummary } from '../../src/admin/summary.ts';
import { FAILURES_SQL, GROUPED_SQL } from '../../src/admin/queries.ts';
import { countStuck, oldestStuck } from '../../src/admin/stuck.ts';
import { seedMerchant } from './fixtures.ts';

if (!process.env.TEST_DATABASE_URL) throw new Error('set TEST_DATABASE_URL to a PostgreSQL server');
const ROWS = Number(process.argv[2] ?? 1_000_000);
// 'time': rows written in created_at order, as a live table is; 'random': the worst case for the heap.
const ORDER = process.argv[3] === 'random' ? 'random' : 'time';
const t = await createTestDatabase();
const db = t.db;
try {
  const merchant = await seedMerchant(db);
  // The audit rows are not what is measured here, and would triple the fill time.
  await db.raw('ALTER TABLE payments DISABLE TRIGGER payments_audit');
  let started = Date.now();
  // Spread over a year, the mix of a normal month: 85% successful, 8% failed, 4% expired, 3% pending.
  await db.raw(
    `INSERT INTO payments (id, merchant_id, status, amount, currency, network, phone_number, failure_reason,
                           status_source, next_check_at, expires_at, created_at)
     SELECT gen_random_uuid(), ?, s.status, 100 + (random() * 99900)::int,
            CASE WHEN s.network = 'mtn_cg' THEN 'XAF' ELSE 'XOF' END, s.network, '22901' || lpad((i % 100000000)::text, 8, '0'),
            CASE WHEN s.status = 'failed' THEN 'insufficient_funds' END, 'api', now(), now(),
            now() - (CASE WHEN ? = 'random' THEN random() ELSE 1 - i::float8 / ? END) * interval '365 days'
       FROM generate_series(1, ?) AS i,
            LATERAL (SELECT CASE WHEN r < 0.85 THEN 'successful' WHEN r < 0.93 THEN 'failed' WHEN r < 0.97 THEN 'expired' ELSE 'pending' END AS status,
                            (ARRAY['mtn','moov','celtiis_bj','mtn_ci','orange_sn','wave_ci','mtn_cg'])[1 + (i % 7)] AS network
                       FROM (SELECT random() + i * 0 AS r) x) s`,
    [merchant, ORDER, ROWS, ROWS],
  );
  await db.raw('VACUUM ANALYZE payments');
  console.log(`inserted ${ROWS} payments (${ORDER} order) in ${Date.now() - started} ms`);

  const explain = async (label: string, sql: string, bindings: unknown[]) => {
    const { rows } = await db.raw(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, bindings as never);
    console.log(`\n--- EXPLAIN ANALYZE: ${label}\n${(rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n')}`);
  };
  const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  const last24 = [new Date(Date.now() - 86_400_000), new Date()];
  const w = 'created_at >= ? AND created_at < ?';
  await explain('grouped, last 24 h', GROUPED_SQL(w), last24);
  const f14 = parseFilter({});
  await explain('grouped, 14 days', GROUPED_SQL(w), [f14.gte, f14.lt]);
  const f92 = parseFilter({ from: day(91) });
  await explain('grouped, 92 days (the maximum)', GROUPED_SQL(w), [f92.gte, f92.lt]);
  await explain('latest failures, 14 days, network=moov', FAILURES_SQL(`${w} AND network = ?`), [f14.gte, f14.lt, 'moov', 20]);
  // Every generated pending payment is past its deadline (expires_at = insert time): the worst case.
  const stuckFilter = { network: null, livemode: true, now: new Date() };
  for (const [label, q] of [
    ['stuck pending, count', countStuck(db, stuckFilter)],
    ['stuck pending, 20 oldest', oldestStuck(db, stuckFilter)],
  ] as const) {
    const { sql, bindings } = q.toSQL();
    await explain(label, sql, [...bindings]);
  }

  console.log('\n--- buildSummary wall time (3 runs each, warm cache)');
  for (const [label, query] of [
    ['default 14 days', {}],
    ['30 days', { from: day(29) }],
    ['92 days', { from: day(91) }],
    ['92 days, network=mtn', { from: day(91), network: 'mtn' }],
  ] as const) {
    const filter = parseFilter(query);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      started = performance.now();
      const s = await buildSummary(db, filter);
      times.push(performance.now() - started);
      if (i === 0) console.log(`${label}: ${s.period.payments} payments in period, ${s.last_24h.payments} in last 24 h`);
    }
    console.log(`${label}: ${times.map((x) => x.toFixed(0)).join(' / ')} ms`);
  }
} finally {
  await t.drop();
}
