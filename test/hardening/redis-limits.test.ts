/**
 * Rate limits on the real Redis (127.0.0.1:6379, database 5, reached through a proxy the test can
 * cut; the shared server is never stopped): two replicas share one per-phone quota; with Redis
 * gone each replica keeps the limit with its own counters (fail safe: never open), logs JSON
 * lines only and readiness says so; when Redis is back the shared counters take over by themselves.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { LOG_DIR, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTcpProxy, type TcpProxy } from '../faults/tcp-proxy.ts';

const REDIS_DB = 5;
const LIMIT = 3;

let redisReachable = true;
let proxy: TcpProxy;
let admin: Redis;
let database: TestDatabase;
let a: TestApp;
let b: TestApp | null = null;

const phoneKeys = async () => admin.keys('feexpay-gateway:rl:phone:*');

before(async () => {
  admin = new Redis({ host: '127.0.0.1', port: 6379, db: REDIS_DB, lazyConnect: true, maxRetriesPerRequest: 0 });
  await admin.connect().catch(() => {
    redisReachable = false;
  });
  if (!redisReachable) return;
  await admin.flushdb();
  proxy = await startTcpProxy('127.0.0.1', 6379);
  const env = {
    REDIS_URL: `redis://127.0.0.1:${proxy.port}/${REDIS_DB}`,
    RATE_LIMIT_PER_PHONE_PER_HOUR: String(LIMIT),
    SIMULATOR_SETTLE_DELAY_MS: '60000',
  };
  database = await createTestDatabase();
  a = await startTestApp('redis-limits-a', env, database);
  // A second replica needs a second connection to the same database: PostgreSQL only.
  if (database.kind === 'postgres') {
    const second = { ...database, db: database.connectAgain() };
    b = await startTestApp('redis-limits-b', env, second);
  }
});
after(async () => {
  if (!redisReachable) return;
  await b?.close();
  await a.close();
  await database.drop();
  await proxy.close();
  await admin.flushdb();
  admin.disconnect();
});

const skip = () => (redisReachable ? false : 'Redis is not reachable on 127.0.0.1:6379');

function create(t: TestApp, phone: string, key = newKey('redis')) {
  return call(t.url, 'POST', '/v1/payments', {
    apiKey: t.apiKey,
    body: { amount: 900, currency: 'XOF', network: 'mtn', phone_number: phone },
    headers: { 'idempotency-key': key },
  });
}

test('the per-phone quota is shared through Redis by two replicas', async (t) => {
  if (skip()) return t.skip(String(skip()));
  const phone = '2290167990104';
  const apps = b ? [a, b, a] : [a, a, a];
  // A replica counts in its own process until its Redis connection is up: wait for that first.
  for (const app of [a, ...(b ? [b] : [])]) {
    await waitFor(async () => (await call(app.url, 'GET', '/health/ready')).body.checks?.redis?.rate_limits === 'shared', 10_000, 100);
  }
  for (const [i, app] of apps.entries()) assert.equal((await create(app, phone)).status, 201, `create ${i + 1} of ${LIMIT}`);
  const refused = await create(b ?? a, phone);
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, 'rate_limited');
  assert.ok(Number(refused.headers.get('retry-after')) > 0);
  const keys = await phoneKeys();
  assert.equal(keys.length, 1, 'one counter, in Redis');
  assert.ok(!keys[0]!.includes(phone), 'the phone number is hashed in the key');
  assert.equal(await admin.get(keys[0]!), String(LIMIT), 'the refused request took nothing');
  if (!b) t.diagnostic('PGlite: one replica only (a second needs TEST_DATABASE_URL)');
});

test('Redis gone: the limit still holds in each process, JSON log lines only, readiness says so; back: shared again', async (t) => {
  if (skip()) return t.skip(String(skip()));
  proxy.cut();
  const phone = '2290167990204';
  const during: number[] = [];
  for (let i = 0; i < LIMIT + 2; i++) during.push((await create(a, phone)).status);
  assert.deepEqual(during, [201, 201, 201, 429, 429], 'fail safe: the limit holds with Redis away');

  const ready = await call(a.url, 'GET', '/health/ready');
  assert.equal(ready.status, 200, 'Redis is not required for readiness');
  assert.equal(ready.body.checks.redis.status, 'down');
  assert.equal(ready.body.checks.redis.rate_limits, 'this_process');

  proxy.restore();
  await waitFor(async () => (await call(a.url, 'GET', '/health/ready')).body.checks.redis.status === 'up', 10_000, 100);
  const other = '2290167990304';
  assert.equal((await create(a, other)).status, 201);
  await waitFor(async () => (await call(a.url, 'GET', '/health/ready')).body.checks.redis.rate_limits === 'shared', 5_000, 100);
  const keys = await admin.keys('feexpay-gateway:rl:phone:*');
  assert.equal(keys.length, 2, 'counting in Redis again after the outage');

  const readLog = () => {
    const text = fs.readFileSync(path.join(LOG_DIR, 'redis-limits-a.log'), 'utf8');
    // Read while being written: a line not yet ended is not judged.
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter(Boolean);
  };
  // The log is written asynchronously: the recovery line may take a moment to reach the file.
  const log = await waitFor(
    async () => {
      const lines = readLog();
      return lines.some((l) => l.includes('"event":"rate_limit.shared"')) && lines;
    },
    5_000,
    100,
  ).catch(() => readLog());
  for (const line of log) assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line.slice(0, 120)}`);
  assert.ok(
    log.some((l) => l.includes('"event":"rate_limit.fallback"')),
    'the fallback is logged',
  );
  assert.ok(
    log.some((l) => l.includes('"event":"rate_limit.shared"')),
    'the recovery is logged',
  );
  assert.ok(!log.some((l) => l.includes('[ioredis]')));
});

test('Redis silent (packets dropped): requests are not held up, the limit holds', async (t) => {
  if (skip()) return t.skip(String(skip()));
  proxy.silence();
  const phone = '2290167990404';
  const started = Date.now();
  const statuses: number[] = [];
  for (let i = 0; i < LIMIT + 1; i++) statuses.push((await create(a, phone)).status);
  const ms = Date.now() - started;
  proxy.restore();
  assert.deepEqual(statuses, [201, 201, 201, 429]);
  assert.ok(ms < 8_000, `${LIMIT + 1} creates took ${ms} ms with Redis silent`);
  t.diagnostic(`${LIMIT + 1} creates with Redis silent: ${ms} ms`);
});
