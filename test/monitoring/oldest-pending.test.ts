/**
 * The gauge FeexPayPaymentsStuckPending reads: the age of the oldest pending payment, from the
 * database, on /metrics after a reconciler refresh. Zero with nothing pending; the real age of a
 * payment FeexPay never answered for (simulator in 503 mode), whatever the process's own uptime.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { serviceMetrics } from '../../src/metrics/catalog.ts';
import { beninPhone, startTestApp, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { sampleValue } from '../../bench/lib/prometheus-text.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp('oldest-pending');
});
after(async () => {
  t.simulator.setDownMode('off');
  await t.close();
});

async function gauge(): Promise<number> {
  await t.app.reconciler.refreshGauges();
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const value = sampleValue(text, serviceMetrics.paymentsOldestPending.name);
  assert.ok(value !== undefined, `${serviceMetrics.paymentsOldestPending.name} exported`);
  return value;
}

test('nothing pending reads 0', async () => {
  assert.equal(await gauge(), 0);
});

test('a payment left pending by a FeexPay outage reads its age from the database', async () => {
  t.simulator.setDownMode('503');
  const pay = await call(t.url, 'POST', '/v1/payments', {
    body: { amount: 700, currency: 'XOF', network: 'mtn', phone_number: beninPhone('00', 91) },
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey('oldest') },
  });
  assert.ok(pay.status < 300, `answered ${pay.status}`);
  assert.equal(pay.body.status, 'pending');
  const fresh = await gauge();
  assert.ok(fresh >= 0 && fresh < 30, `a new payment is seconds old, read ${fresh}`);

  // As if it had been created two hours ago, before this process started: the age is the payment's.
  await t.database
    .db('payments')
    .where({ id: pay.body.id })
    .update({ created_at: t.database.db.raw("now() - interval '2 hours'") });
  const old = await gauge();
  assert.ok(old >= 7200 && old < 7230, `two hours old, read ${old}`);
  const uptime = process.uptime();
  assert.ok(old > uptime, `older than the process (${uptime} s): the gauge does not depend on uptime`);
});
