/**
 * PostgreSQL goes silent: connections stay open but no packet passes (a network dropping them,
 * through a proxy the test controls; the shared server is never touched). With the default
 * bounds (DATABASE_QUERY_TIMEOUT_MS, _CONNECT_, _ACQUIRE_), every request gets 503
 * service_unavailable within a few seconds instead of hanging, readiness says the database does
 * not answer, and when packets flow again the service serves without a restart.
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
import { createPayment, phoneFor } from './helpers.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

const skip = process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (an embedded database cannot go silent)';
/** The default query bound (5 s) plus scheduling slack: slower than this is a hang. */
const MAX_ANSWER_MS = 7_000;

let database: TestDatabase;
let proxy: TcpProxy;
let app: FastifyInstance;
let url: string;
let apiKey: string;
let paymentId: string;

before(async () => {
  if (skip) return;
  database = await createTestDatabase();
  const direct = new URL(database.url!);
  proxy = await startTcpProxy(direct.hostname, Number(direct.port || 5432));
  const viaProxy = new URL(direct);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  // The database bounds are left at their defaults: what is measured is what production gets.
  const config = loadConfig({
    ...TEST_ENV,
    DATABASE_URL: viaProxy.toString(),
    MIGRATE_ON_START: 'false',
    RATE_LIMIT_PER_PHONE_PER_HOUR: '10000',
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
  });
  app = await buildApp(config, { logFile: path.join(LOG_DIR, 'faults-silent-database.log') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  app.feexpaySimulator!.setSettleDelay(50);
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  ({ apiKey } = await createMerchant(database.db, 'merchant faults-silent-database'));
  const first = await createPayment(url, apiKey, newKey('silent'), phoneFor('00'));
  assert.equal(first.kind, 'ok');
  paymentId = (first as { body: { id: string } }).body.id;
});
after(async () => {
  if (skip) return;
  proxy.restore();
  app.feexpaySimulator!.close();
  const closing = app.close();
  setTimeout(() => app.server.closeAllConnections(), 1_000).unref();
  await closing;
  await proxy.close();
  await database.drop();
});

interface Timed {
  what: string;
  status: number | 'no_answer';
  code?: string;
  ms: number;
}

async function timed(what: string, run: () => Promise<{ status: number; body: any }>): Promise<Timed> {
  const started = Date.now();
  try {
    const r = await run();
    return { what, status: r.status, code: r.body?.error?.code, ms: Date.now() - started };
  } catch {
    return { what, status: 'no_answer', ms: Date.now() - started };
  }
}

const requests = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const kind = i % 3;
    if (kind === 0) return timed('GET one', () => call(url, 'GET', `/v1/payments/${paymentId}`, { apiKey }));
    if (kind === 1) return timed('GET list', () => call(url, 'GET', '/v1/payments?limit=5', { apiKey }));
    return timed('POST create', () =>
      call(url, 'POST', '/v1/payments', {
        apiKey,
        body: { amount: 700, currency: 'XOF', network: 'mtn', phone_number: phoneFor('00') },
        headers: { 'idempotency-key': newKey('silent') },
      }),
    );
  });

test('silent database: every request gets 503 within the bound, readiness says why, recovery without a restart', { skip }, async (t) => {
  proxy.silence();
  const silencedAt = Date.now();
  // More requests than pool connections (10): some wait for a connection, the rest for an answer.
  const answers = await Promise.all(requests(15));
  const ready = await call(url, 'GET', '/health/ready');
  assert.deepEqual([ready.status, ready.body.status], [200, 'degraded'], 'a shared dependency does not take the pod out of the Service');
  assert.equal(ready.body.checks.database.status, 'down');
  assert.match(ready.body.checks.database.error, /no answer within \d+ ms|timeout|Timeout/);
  assert.equal((await call(url, 'GET', '/health/live')).status, 200);

  for (const a of answers) {
    assert.equal(a.status, 503, `${a.what} answered ${a.status} ${a.code ?? ''} after ${a.ms} ms`);
    assert.equal(a.code, 'service_unavailable');
    assert.ok(a.ms < MAX_ANSWER_MS, `${a.what} took ${a.ms} ms`);
  }
  const slowest = Math.max(...answers.map((a) => a.ms));
  const fastest = Math.min(...answers.map((a) => a.ms));
  t.diagnostic(`silent database: ${answers.length} requests, 503 after ${fastest}-${slowest} ms`);

  // A second wave, on connections the first one had to replace: still bounded.
  const again = await Promise.all(requests(6));
  for (const a of again) {
    assert.equal(a.status, 503, `${a.what} answered ${a.status} after ${a.ms} ms`);
    assert.ok(a.ms < MAX_ANSWER_MS, `${a.what} took ${a.ms} ms`);
  }
  t.diagnostic(
    `second wave: 503 after ${Math.min(...again.map((a) => a.ms))}-${Math.max(...again.map((a) => a.ms))} ms, ${Math.round((Date.now() - silencedAt) / 1000)} s into the silence`,
  );

  proxy.restore();
  const restoredAt = Date.now();
  await waitFor(async () => (await call(url, 'GET', '/health/ready')).body.checks.database.status === 'up', 20_000, 100);
  const created = await waitFor(
    async () => {
      const r = await createPayment(url, apiKey, newKey('silent'), phoneFor('00'));
      return r.kind === 'ok' ? r : undefined;
    },
    20_000,
    200,
  );
  assert.equal(created.status, 201);
  t.diagnostic(`served again ${Date.now() - restoredAt} ms after packets flowed`);
  const list = await call(url, 'GET', '/v1/payments?limit=5', { apiKey });
  assert.equal(list.status, 200);
});
