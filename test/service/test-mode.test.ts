/**
 * Test mode against a deployment configured with a live FeexPay (a stand-alone simulator over HTTP
 * stands in for FeexPay): one merchant with both kinds of key. Test payments reach only the
 * built-in simulator, live ones only "FeexPay"; each key sees only its mode's payments; test
 * traffic never moves the money metrics.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { serviceMetrics } from '../../src/metrics/catalog.ts';
import { beninPhone, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { ADMIN, asAdmin, scrape } from './payment-truth-helpers.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A merchant's event receiver on loopback: records what arrives, answers 200. */
async function receiver(): Promise<{ url: string; types: { type: string; livemode: boolean; payment: string }[]; close(): Promise<void> }> {
  const types: { type: string; livemode: boolean; payment: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const e = JSON.parse(body) as { type: string; data: { id: string; livemode: boolean } };
      types.push({ type: e.type, livemode: e.data.livemode, payment: e.data.id });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, types, close: () => new Promise((r) => server.close(() => r())) };
}

let feexpay: RunningSimulator;
let t: TestApp;
let live: string;
let testKey: string;

before(async () => {
  feexpay = await startSimulator({ settleDelayMs: 50 });
  // Events to localhost: a FeexPay account is configured, so private addresses must be allowed.
  t = await startTestApp('test-mode', { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password, MERCHANT_WEBHOOK_ALLOW_PRIVATE: 'true' }, undefined, feexpay);
  feexpay.setWebhookUrl(`${t.url}/v1/webhooks/feexpay/${t.config.webhookToken}`);
  t.app.feexpaySimulator.setSettleDelay(50);
  const m = await createMerchant(t.database.db, 'both modes');
  live = m.apiKey;
  testKey = m.testApiKey;
});
after(async () => {
  await t.close();
  await feexpay.close();
});

const create = (apiKey: string, serial: number, key = newKey()) =>
  call(t.url, 'POST', '/v1/payments', {
    body: { amount: 1000, currency: 'XOF', network: 'mtn', phone_number: beninPhone('00', serial) },
    apiKey,
    headers: { 'idempotency-key': key },
  });
const get = (apiKey: string, id: string) => call(t.url, 'GET', `/v1/payments/${id}`, { apiKey });
const sum = (text: string, name: string, match = '') =>
  text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(match))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);

describe('test keys and live keys', () => {
  test('keys say their mode', () => {
    assert.match(live, /^fgw_live_[A-Za-z0-9_-]{32}$/);
    assert.match(testKey, /^fgw_test_[A-Za-z0-9_-]{32}$/);
  });

  test('a test payment reaches only the built-in simulator, a live one only FeexPay', async () => {
    const before = await scrape(t);
    const tp = await create(testKey, 1);
    const lp = await create(live, 2);
    assert.equal(tp.status, 201);
    assert.equal(lp.status, 201);
    assert.equal(t.app.feexpaySimulator.byCallbackInfo(tp.body.id).requests, 1, 'the test payment went to the sandbox');
    assert.equal(feexpay.byCallbackInfo(tp.body.id).requests, 0, 'and never to FeexPay');
    assert.equal(feexpay.byCallbackInfo(lp.body.id).requests, 1, 'the live payment went to FeexPay');
    assert.equal(t.app.feexpaySimulator.byCallbackInfo(lp.body.id).requests, 0, 'and never to the sandbox');

    // Both settle through their own simulator's webhook and status endpoint.
    await waitFor(async () => (await get(testKey, tp.body.id)).body.status === 'successful');
    await waitFor(async () => (await get(live, lp.body.id)).body.status === 'successful');
    const rows = await t.database.db('payments').whereIn('id', [tp.body.id, lp.body.id]).select('id', 'livemode');
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.id, r.livemode])), { [tp.body.id]: false, [lp.body.id]: true });

    // Money metrics moved by the live payment only; test traffic has its own series.
    const after = await scrape(t);
    const initiated = serviceMetrics.paymentsInitiated.name;
    assert.equal(sum(after, initiated) - sum(before, initiated), 1);
    const collected = serviceMetrics.amountCollected.name;
    assert.equal(sum(after, collected) - sum(before, collected), 1000);
    const finished = serviceMetrics.paymentsFinished.name;
    assert.equal(sum(after, finished) - sum(before, finished), 1);
    const calls = `${serviceMetrics.feexpayRequestDuration.name}_count`;
    assert.ok(sum(after, calls, 'request_to_pay') - sum(before, calls, 'request_to_pay') === 1, 'only the live call is FeexPay traffic');
    const testSeries = serviceMetrics.testModePayments.name;
    assert.equal(sum(after, testSeries, 'initiated') - sum(before, testSeries, 'initiated'), 1);
    assert.equal(sum(after, testSeries, 'finished') - sum(before, testSeries, 'finished'), 1);
  });

  test("a key never sees the other mode's payments: 404 and separate lists", async () => {
    const tp = await create(testKey, 3);
    const lp = await create(live, 4);
    assert.equal((await get(live, tp.body.id)).status, 404);
    assert.equal((await get(testKey, lp.body.id)).status, 404);
    const testList = (await call(t.url, 'GET', '/v1/payments?limit=100', { apiKey: testKey })).body.data.map((p: { id: string }) => p.id);
    const liveList = (await call(t.url, 'GET', '/v1/payments?limit=100', { apiKey: live })).body.data.map((p: { id: string }) => p.id);
    assert.ok(testList.includes(tp.body.id) && !testList.includes(lp.body.id));
    assert.ok(liveList.includes(lp.body.id) && !liveList.includes(tp.body.id));
  });

  test('the same Idempotency-Key in test and live mode makes two payments', async () => {
    const key = newKey('both');
    const a = await create(testKey, 5, key);
    const b = await create(live, 5, key);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.id, b.body.id);
    const replay = await create(testKey, 5, key);
    assert.equal(replay.body.id, a.body.id);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  });

  test("news about one mode is never checked with the other's FeexPay", async () => {
    feexpay.setWebhookUrl(undefined);
    t.app.feexpaySimulator.setWebhookUrl(undefined);
    try {
      const tp = await create(testKey, 6);
      const lp = await create(live, 7);
      // Each simulator holds a successful collection naming the other mode's payment, with its
      // phone and amount: asked of the wrong FeexPay, the news would fit and be believed.
      const forge = async (engine: typeof feexpay.engine, paymentId: string, serial: number) => {
        const answer = await engine.requestToPay('mtn', { phoneNumber: beninPhone('00', serial), amount: 1000, shop: 'simshop00000001', callback_info: paymentId });
        const reference = (answer.json as { reference: string }).reference;
        engine.forceStatus(reference, 'SUCCESSFUL', '', { webhook: false });
        return reference;
      };
      const sandboxRef = await forge(t.app.feexpaySimulator, lp.body.id, 7);
      const liveRef = await forge(feexpay.engine, tp.body.id, 6);
      const hook = (body: unknown) => call(t.url, 'POST', `/v1/webhooks/feexpay/${t.config.webhookToken}`, { body });
      const onLive = await hook({ reference: sandboxRef, callback_info: lp.body.id, status: 'SUCCESSFUL' });
      const onTest = await hook({ reference: liveRef, callback_info: tp.body.id, status: 'SUCCESSFUL' });
      assert.equal(onLive.body.result, 'unknown_reference', 'a sandbox collection is unknown to FeexPay');
      assert.equal(onTest.body.result, 'unknown_reference', 'a FeexPay collection is unknown to the sandbox');
      const items = await t.database.db('review_items').whereIn('payment_id', [tp.body.id, lp.body.id]);
      assert.deepEqual(items, []);
    } finally {
      t.app.feexpaySimulator.setWebhookUrl(`${t.url}/v1/webhooks/feexpay/${t.config.webhookToken}`);
      feexpay.setWebhookUrl(`${t.url}/v1/webhooks/feexpay/${t.config.webhookToken}`);
    }
  });

  test('/admin shows live data by default and test data when asked, marked', async () => {
    const liveSummary = await call(t.url, 'GET', '/admin/api/summary', { headers: asAdmin });
    const testSummary = await call(t.url, 'GET', '/admin/api/summary?mode=test', { headers: asAdmin });
    const counts = await t.database.db('payments').select('livemode').count<{ livemode: boolean; count: number }[]>('* as count').groupBy('livemode');
    const n = (mode: boolean) => Number(counts.find((c) => c.livemode === mode)?.count ?? 0);
    assert.equal(liveSummary.body.last_24h.payments, n(true));
    assert.equal(testSummary.body.last_24h.payments, n(false));
    assert.equal(testSummary.body.filter.mode, 'test');
    const page = await call(t.url, 'GET', '/admin?mode=test', { headers: asAdmin });
    assert.match(page.body, /TEST DATA/);
    const livePage = await call(t.url, 'GET', '/admin', { headers: asAdmin });
    assert.doesNotMatch(livePage.body, /TEST DATA/);
  });

  test('events go to the endpoints of their own mode only; endpoints and events are listed per mode', async () => {
    const [liveRx, testRx] = [await receiver(), await receiver()];
    try {
      const mk = (apiKey: string, url: string) => call(t.url, 'POST', '/v1/webhook_endpoints', { apiKey, body: { url, enabled_events: ['payment.succeeded'] } });
      const le = await mk(live, liveRx.url);
      const te = await mk(testKey, testRx.url);
      assert.equal(le.status, 201, JSON.stringify(le.body));
      assert.equal(te.status, 201, JSON.stringify(te.body));
      assert.deepEqual([le.body.livemode, te.body.livemode], [true, false]);
      const listed = await call(t.url, 'GET', '/v1/webhook_endpoints', { apiKey: testKey });
      assert.deepEqual(
        listed.body.data.map((e: { id: string }) => e.id),
        [te.body.id],
      );
      assert.equal((await call(t.url, 'GET', `/v1/webhook_endpoints/${le.body.id}`, { apiKey: testKey })).status, 404);

      const tp = await create(testKey, 8);
      const lp = await create(live, 9);
      // Payments of the earlier tests that settle now reach these endpoints too, each in its own
      // mode: every event is checked for its mode, and this test's two payments for where they went.
      const ours = (rx: typeof testRx) => rx.types.filter((e) => e.payment === tp.body.id || e.payment === lp.body.id);
      await waitFor(async () => ours(testRx).length >= 1 && ours(liveRx).length >= 1, 15_000, 100);
      assert.ok(
        testRx.types.every((e) => e.livemode === false),
        JSON.stringify(testRx.types),
      );
      assert.ok(
        liveRx.types.every((e) => e.livemode === true),
        JSON.stringify(liveRx.types),
      );
      assert.deepEqual(ours(testRx), [{ type: 'payment.succeeded', livemode: false, payment: tp.body.id }]);
      assert.deepEqual(ours(liveRx), [{ type: 'payment.succeeded', livemode: true, payment: lp.body.id }]);
      const testEvents = await call(t.url, 'GET', '/v1/events', { apiKey: testKey });
      assert.ok(testEvents.body.data.every((e: { livemode: boolean }) => e.livemode === false));
      assert.ok(testEvents.body.data.some((e: { data: { id: string } }) => e.data.id === tp.body.id));
      const liveEvents = await call(t.url, 'GET', '/v1/events', { apiKey: live });
      assert.ok(!liveEvents.body.data.some((e: { data: { id: string } }) => e.data.id === tp.body.id));
    } finally {
      await liveRx.close();
      await testRx.close();
    }
  });
});
