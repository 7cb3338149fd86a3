/**
 * PostgreSQL goes away under load and comes back (through a proxy the test cuts; the shared
 * server is never stopped). The service answers 503 `service_unavailable` quickly instead of
 * hanging or crashing, readiness says the database is down, it serves again without a restart,
 * and every payment it acknowledged with a 2xx is in the database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { LOG_DIR, TEST_ENV, waitFor } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { assertNoExpiredSuccess, createPayment, phoneFor, storedPayments } from './helpers.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

const skip = process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (an embedded database cannot be taken away)';
/** Above the pool's acquire timeout (5 s): an answer slower than this is a hang. */
const MAX_ANSWER_MS = 7_000;

let database: TestDatabase;
let proxy: TcpProxy;
let app: FastifyInstance;
let url: string;
let apiKey: string;

before(async () => {
  if (skip) return;
  database = await createTestDatabase();
  const direct = new URL(database.url!);
  proxy = await startTcpProxy(direct.hostname, Number(direct.port || 5432));
  const viaProxy = new URL(direct);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const config = loadConfig({
    ...TEST_ENV,
    DATABASE_URL: viaProxy.toString(),
    MIGRATE_ON_START: 'false',
    RATE_LIMIT_PER_PHONE_PER_HOUR: '10000',
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
  });
  app = await buildApp(config, { logFile: path.join(LOG_DIR, 'faults-database.log') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  app.feexpaySimulator!.setSettleDelay(50);
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  ({ apiKey } = await createMerchant(database.db, 'merchant faults-database'));
});
after(async () => {
  if (skip) return;
  // The in-process simulator's settle timers outlive app.close(); stop them first so they do not
  // log through a logger that close has already ended.
  app.feexpaySimulator!.close();
  // A webhook that arrived during the outage may still wait for a pool slot (up to the 5 s
  // acquire timeout); closing under it would log through a logger close has already ended.
  await new Promise((r) => setTimeout(r, 5_500));
  // A keep-alive socket that was busy when close began is otherwise kept to keepAliveTimeout (72 s).
  const closing = app.close();
  setTimeout(() => app.server.closeAllConnections(), 1_000).unref();
  await closing;
  await proxy.close();
  await database.drop();
});

interface Attempt {
  key: string;
  phone: string;
  status: number | 'no_answer';
  code?: string;
  id?: string;
  ms: number;
}

/** Workers creating payments back to back until told to stop. */
function load(workers: number): { attempts: Attempt[]; stop: () => Promise<void> } {
  const attempts: Attempt[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const key = newKey('db-outage');
      const phone = phoneFor('00');
      const started = Date.now();
      const r = await createPayment(url, apiKey, key, phone);
      const ms = Date.now() - started;
      if (r.kind === 'ok') attempts.push({ key, phone, status: r.status, id: r.body.id, ms });
      else if (r.kind === 'error') attempts.push({ key, phone, status: r.status, code: r.code, ms });
      else attempts.push({ key, phone, status: 'no_answer', ms });
      if (r.kind !== 'ok') await new Promise((res) => setTimeout(res, 50));
    }
  });
  return {
    attempts,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

test('database down under load: 503 service_unavailable fast, still ready and saying why, served again without a restart', { skip }, async () => {
  const traffic = load(8);
  await waitFor(async () => traffic.attempts.filter((a) => a.status === 201).length >= 20, 10_000, 50);

  proxy.cut();
  const cutAt = traffic.attempts.length;
  await waitFor(async () => traffic.attempts.slice(cutAt).filter((a) => a.status === 503).length >= 10, 15_000, 50);
  // Still ready: the database is every replica's, so the pods stay behind the Service and answer
  // with the service's own 503 and Retry-After rather than leaving the edge to answer for them.
  const ready = await call(url, 'GET', '/health/ready');
  assert.equal(ready.status, 200);
  assert.equal(ready.body.status, 'degraded');
  assert.equal(ready.body.checks.database.status, 'down');
  assert.ok(ready.body.checks.database.error, 'readiness names the error');
  assert.equal((await call(url, 'GET', '/health/live')).status, 200, 'liveness does not depend on the database');
  const unavailable = await call(url, 'GET', `/v1/payments/${traffic.attempts.find((a) => a.id)!.id}`, { apiKey });
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.body.error.code, 'service_unavailable');
  assert.ok(unavailable.headers.get('retry-after'));

  proxy.restore();
  const restoredAt = traffic.attempts.length;
  await waitFor(async () => traffic.attempts.slice(restoredAt).filter((a) => a.status === 201).length >= 20, 20_000, 50);
  await traffic.stop();
  const back = await call(url, 'GET', '/health/ready');
  assert.deepEqual([back.status, back.body.status, back.body.checks.database.status], [200, 'ready', 'up']);

  for (const a of traffic.attempts) {
    assert.ok(a.status === 201 || a.status === 503, `unexpected answer ${a.status} ${a.code ?? ''}`);
    if (a.status === 503) assert.equal(a.code, 'service_unavailable');
    assert.ok(a.ms < MAX_ANSWER_MS, `an answer took ${a.ms} ms`);
  }

  const acknowledged = traffic.attempts.filter((a) => a.status === 201).map((a) => a.id!);
  const stored = await storedPayments(database.db, acknowledged);
  for (const id of acknowledged) assert.ok(stored.has(id), `acknowledged payment ${id} is missing`);

  // A request cut off mid-way is retried with its key: it replays, completes, or is told it is
  // still in flight, and never creates a second payment.
  const refused = traffic.attempts.filter((a) => a.status === 503);
  for (const a of refused) {
    const again = await createPayment(url, apiKey, a.key, a.phone);
    assert.ok((again.kind === 'ok' && again.status === 201) || (again.kind === 'error' && again.status === 409), JSON.stringify(again));
  }
  const keys = refused.map((a) => a.key);
  const perKey = await database.db('idempotency_keys').whereIn('key', keys).whereNotNull('payment_id').select('key', 'payment_id');
  const payments = await database
    .db('payments')
    .whereIn(
      'id',
      perKey.map((r) => r.payment_id),
    )
    .count<{ n: number }[]>('* as n');
  assert.equal(Number(payments[0]?.n), perKey.length, 'one payment per idempotency key');
  for (const r of perKey) {
    assert.ok(app.feexpaySimulator!.byCallbackInfo(r.payment_id).requests <= 1, 'FeexPay asked once per payment');
  }
  await assertNoExpiredSuccess(database.db, app.feexpaySimulator!, acknowledged);
});
