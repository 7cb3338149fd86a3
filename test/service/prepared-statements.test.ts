/**
 * db/prepared.ts on the test database: named bindings become positional ones (casts left alone),
 * rows come back as from knex; on PostgreSQL the statement is prepared once per connection, and a
 * server that lost it (a transaction pooler moving the client to another session) gets the
 * statement again unnamed instead of an error.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKnex } from '../../src/db/knex.ts';
import { prepared } from '../../src/db/prepared.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

const ECHO = prepared<{ a: number; b: string; doc: string }>('test_prepared_echo', `SELECT :a::int + :a::int AS twice, :b AS b, (:doc::jsonb)->>'k' AS k`);

test('named bindings become $n (one per name), casts stay casts, rows are returned', async () => {
  assert.equal(ECHO.text, `SELECT $1::int + $1::int AS twice, $2 AS b, ($3::jsonb)->>'k' AS k`);
  for (let i = 0; i < 3; i++) {
    const rows = await ECHO(t.db, { a: 21, b: 'x', doc: JSON.stringify({ k: 'v' }) });
    assert.deepEqual(rows, [{ twice: 42, b: 'x', k: 'v' }]);
  }
  await assert.rejects(ECHO(t.db, { a: 1, b: 'x' } as never), /no binding for :doc/);
});

test('PostgreSQL: prepared once per connection; a lost statement runs again unnamed', async (ctx) => {
  if (!t.url) return ctx.skip('PostgreSQL only');
  // One connection, so that the session seen by pg_prepared_statements is the statement's.
  const db = createKnex({ databaseUrl: t.url, dataDir: '', poolMax: 1 });
  try {
    const names = async () => ((await db.raw('SELECT name FROM pg_prepared_statements')).rows as { name: string }[]).map((r) => r.name);
    await ECHO(db, { a: 1, b: 'y', doc: '{}' });
    assert.deepEqual(await names(), ['test_prepared_echo']);
    // What a transaction pooler does to a client: the next server session does not know the name.
    await db.raw('DEALLOCATE ALL');
    assert.deepEqual(await ECHO(db, { a: 2, b: 'z', doc: '{"k":"w"}' }), [{ twice: 4, b: 'z', k: 'w' }]);
    assert.deepEqual(await ECHO(db, { a: 3, b: 'z', doc: '{}' }), [{ twice: 6, b: 'z', k: null }]);
    assert.deepEqual(await names(), [], 'unnamed from then on');
  } finally {
    await db.destroy();
  }
});
