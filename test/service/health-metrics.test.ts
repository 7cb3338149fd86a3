/** Probes, /metrics from the catalog, rate limits and the OpenAPI document. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceMetrics } from '../../src/metrics/catalog.ts';
import { beninPhone, startTestApp, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp('health-metrics', { RATE_LIMIT_PER_PHONE_PER_HOUR: '3', RATE_LIMIT_PER_KEY_PER_MINUTE: '40' });
});
after(async () => t.close());

test('liveness is cheap; readiness reports the database and FeexPay as last seen', async () => {
  const live = await call(t.url, 'GET', '/health/live');
  assert.deepEqual(live.body, { status: 'ok' });
  const ready = await call(t.url, 'GET', '/health/ready');
  assert.equal(ready.status, 200);
  assert.equal(ready.body.status, 'ready');
  assert.equal(ready.body.checks.database.status, 'up');
  assert.equal(ready.body.checks.feexpay.mode, 'simulator');
});

test('every business metric of the catalog is exported, with route patterns (not raw URLs) as labels', async () => {
  const pay = await call(t.url, 'POST', '/v1/payments', {
    body: { amount: 300, currency: 'XOF', network: 'celtiis_bj', phone_number: beninPhone('03', 1) },
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey() },
  });
  assert.equal(pay.status, 201);
  await call(t.url, 'GET', `/v1/payments/${pay.body.id}`, { apiKey: t.apiKey });
  await t.app.reconciler.runOnce();
  await t.app.reconciler.refreshGauges();
  const res = await fetch(`${t.url}/metrics`);
  const text = await res.text();
  for (const def of Object.values(serviceMetrics)) {
    assert.match(text, new RegExp(`^# TYPE ${def.name} `, 'm'), `${def.name} exported`);
  }
  const has = (re: RegExp) => re.test(text);
  assert.ok(has(/feexpay_payments_finished_total\{network="celtiis_bj",outcome="failed",reason="insufficient_funds"\} 1/), 'finished counter');
  assert.ok(has(/http_request_duration_seconds_bucket\{[^}]*route="\/v1\/payments\/:id"/), 'route pattern label');
  assert.ok(!text.includes(pay.body.id), 'no payment id in labels');
  assert.ok(!has(/^http_request_summary_seconds/m), 'no per-request summary samples');
  assert.ok(!has(/route="\/(health|metrics|_feexpay)/), 'probes, scrapes and the simulator are not measured');
});

test('payment creation is limited per destination phone, and the API per key', async () => {
  const phone = beninPhone('04', 2);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await call(t.url, 'POST', '/v1/payments', {
      body: { amount: 300, currency: 'XOF', network: 'mtn', phone_number: phone },
      apiKey: t.apiKey,
      headers: { 'idempotency-key': newKey() },
    });
    statuses.push(r.status);
    if (r.status === 429) assert.equal(r.body.error.code, 'rate_limited');
  }
  assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
  let limited = 0;
  for (let i = 0; i < 45; i++) {
    const r = await call(t.url, 'GET', '/v1/payments?limit=1', { apiKey: t.apiKey });
    if (r.status === 429) limited++;
  }
  assert.ok(limited > 0, 'the per-key limit applies');
});

test('the OpenAPI document describes the payment routes', async () => {
  const doc = await call(t.url, 'GET', '/docs/json');
  assert.equal(doc.status, 200);
  assert.ok(doc.body.paths['/v1/payments'].post);
  assert.ok(doc.body.paths['/v1/payments/{id}'].get);
});
