/**
 * Two service instances on one PostgreSQL database, as two replicas: their reconcilers never
 * process a payment twice, and idempotency holds across them. Needs a real server (PGlite is
 * single-process), so it runs when TEST_DATABASE_URL is set, which CI does.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { startTestApp, beninPhone, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { call, newKey } from '../helpers/http.ts';

const skip = process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PostgreSQL)';

let database: TestDatabase;
let feexpay: RunningSimulator;
let a: TestApp;
let b: TestApp;
before(async () => {
  if (skip) return;
  database = await createTestDatabase();
  const env = { RECONCILE_AFTER_MS: '0', PAYMENT_DEADLINE_MS: '600000', RECONCILER_BATCH_SIZE: '20' };
  // One FeexPay for both replicas, as in production.
  feexpay = await startSimulator({ port: 0, settleDelayMs: 50 });
  a = await startTestApp('replica-a', env, database, feexpay);
  // The second replica has its own connection pool, as a separate process would.
  b = await startTestApp('replica-b', env, { ...database, db: database.connectAgain() }, feexpay);
  feexpay.setWebhookUrl(`${a.url}/v1/webhooks/feexpay/${a.config.webhookToken}`);
});
after(async () => {
  if (skip) return;
  await a.close();
  await b.close();
  await database.drop();
  await feexpay.close();
});

test('two reconcilers on one database never check the same payment in a pass', { skip }, async () => {
  const merchant = await createMerchant(database.db, 'replicas');
  // 120 payments whose FeexPay status is final but whose callback was lost (08), all due now.
  feexpay.setWebhookUrl(undefined);
  for (let i = 0; i < 120; i++) {
    const res = await call(a.url, 'POST', '/v1/payments', {
      body: { amount: 500, currency: 'XOF', network: 'mtn', phone_number: beninPhone('08', 1000 + i) },
      apiKey: merchant.apiKey,
      headers: { 'idempotency-key': newKey('rep') },
    });
    assert.equal(res.status, 201);
  }
  await new Promise((r) => setTimeout(r, 200)); // the simulator settles after 50 ms
  const statusBefore = feexpay.counters().statusCalls;
  // Both replicas pass over the queue at the same time until it is empty.
  let settled = 0;
  for (let round = 0; round < 10 && settled < 120; round++) {
    const results = await Promise.all([a.app.reconciler.runOnce(), b.app.reconciler.runOnce(), a.app.reconciler.runOnce(), b.app.reconciler.runOnce()]);
    settled += results.reduce((n, r) => n + r.settled, 0);
  }
  assert.equal(settled, 120, 'every payment settled exactly once across both replicas');
  const statusCalls = feexpay.counters().statusCalls - statusBefore;
  assert.equal(statusCalls, 120, 'one status check per payment, none twice');
  const events = await database.db('payment_events').where({ source: 'reconciler' }).count<{ count: number }[]>('* as count');
  assert.equal(Number(events[0]!.count), 120);
});

test('idempotency holds across replicas under concurrent requests', { skip }, async () => {
  const merchant = await createMerchant(database.db, 'replicas-idem');
  const key = newKey('cross');
  const body = { amount: 700, currency: 'XOF', network: 'mtn', phone_number: beninPhone('04', 2000) };
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) => call(i % 2 ? a.url : b.url, 'POST', '/v1/payments', { body, apiKey: merchant.apiKey, headers: { 'idempotency-key': key } })),
  );
  assert.ok(answers.every((r) => r.status === 201 || r.status === 409));
  const rows = await database.db('payments').where({ merchant_id: merchant.merchant.id });
  assert.equal(rows.length, 1);
  const calls = feexpay.byCallbackInfo(rows[0].id).requests;
  assert.equal(calls, 1);
});
