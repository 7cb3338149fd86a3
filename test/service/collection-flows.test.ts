/**
 * Every collection flow family through the API and the FeexPay simulator over loopback HTTP, on
 * both collection paths: USSD, OTP (Coris), the code in the request (Orange SN), FeexPay's SDK
 * error signals; then the per-operator settings, the fee preview and the field checks. Redirect
 * and card pages are driven in Chromium by collection-flows-browser.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { beninPhone, LOG_DIR, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

const body = (over: Record<string, unknown> = {}) => ({
  amount: 1500,
  currency: 'XOF',
  network: 'mtn',
  phone_number: beninPhone('00'),
  description: 'Order 42',
  customer: { first_name: 'Afi', last_name: 'Dossou', email: 'afi@example.com' },
  ...over,
});

// Distinctive enough to be searched for in the logs.
const OTP = '73915284';

function api(t: () => TestApp) {
  const post = (b: unknown, key = newKey()) => call(t().url, 'POST', '/v1/payments', { body: b, apiKey: t().apiKey, headers: { 'idempotency-key': key } });
  const otp = (id: string, code: string, key = newKey(), apiKey = t().apiKey) =>
    call(t().url, 'POST', `/v1/payments/${id}/otp`, { body: { otp: code }, apiKey, headers: { 'idempotency-key': key } });
  const get = (id: string) => call(t().url, 'GET', `/v1/payments/${id}`, { apiKey: t().apiKey });
  const settled = (id: string) =>
    waitFor(async () => {
      const r = await get(id);
      return r.body.status !== 'pending' && r;
    });
  return { post, otp, get, settled };
}

for (const collectionPath of ['integration', 'per_operator'] as const) {
  describe(`flows on the ${collectionPath} path`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(`collection-flows-${collectionPath}`, { FEEXPAY_COLLECTION_PATH: collectionPath });
    });
    after(async () => t.close());
    const { post, otp, get, settled } = api(() => t);

    test('USSD (MTN Benin): pending with no next_action, successful after FeexPay confirms', async () => {
      const res = await post(body());
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual([res.body.status, res.body.next_action, res.body.method], ['pending', null, 'mobile_money']);
      assert.equal((await settled(res.body.id)).body.status, 'successful');
      assert.equal(t.simulator.counters().requestToPay.byPath[collectionPath], 1);
    });

    test('OTP (Coris): otp_required on create, GET and list; the code moves the same payment to successful', async () => {
      const res = await post(body({ network: 'coris', phone_number: beninPhone('00', 1) }));
      assert.equal(res.status, 201);
      assert.deepEqual(res.body.next_action, { type: 'otp_required' });
      assert.deepEqual((await get(res.body.id)).body.next_action, { type: 'otp_required' });
      const list = await call(t.url, 'GET', '/v1/payments?network=coris', { apiKey: t.apiKey });
      assert.deepEqual(list.body.data.find((p: { id: string }) => p.id === res.body.id).next_action, { type: 'otp_required' });

      const key = newKey('otp');
      const sent = await otp(res.body.id, OTP, key);
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.deepEqual([sent.body.id, sent.body.status, sent.body.next_action, sent.body.feexpay_reference], [res.body.id, 'pending', null, res.body.feexpay_reference]);
      // Same key, same code: the stored answer. Same key, another code: refused. A new key: not waiting any more.
      assert.deepEqual((await otp(res.body.id, OTP, key)).body, sent.body);
      assert.equal((await otp(res.body.id, '1111', key)).status, 422);
      const again = await otp(res.body.id, OTP);
      assert.deepEqual([again.status, again.body.error.code], [409, 'payment_not_awaiting_otp']);
      assert.equal((await settled(res.body.id)).body.status, 'successful');
      const sim = t.simulator.byCallbackInfo(res.body.id);
      assert.deepEqual([sim.requests, sim.payments.length], [2, 1], 'two requests, one FeexPay transaction');
    });

    test('OTP (Coris): a wrong code fails the payment with wrong_otp', async () => {
      const res = await post(body({ network: 'coris', phone_number: beninPhone('00', 2) }));
      const sent = await otp(res.body.id, '000000');
      assert.deepEqual([sent.status, sent.body.status, sent.body.failure_reason, sent.body.next_action], [200, 'failed', 'wrong_otp', null]);
    });

    test('Orange Senegal: body.otp is required on create, and completes the payment', async () => {
      const missing = await post(body({ network: 'orange_sn', phone_number: '221770000100' }));
      assert.deepEqual([missing.status, missing.body.error.code], [400, 'otp_required']);
      assert.match(missing.body.error.message, /body\.otp/);
      const res = await post(body({ network: 'orange_sn', phone_number: '221770000100', otp: '5544' }));
      assert.deepEqual([res.status, res.body.status, res.body.next_action], [201, 'pending', null]);
      assert.equal((await settled(res.body.id)).body.status, 'successful');
    });

    test('SDK error signals: clear failure reasons at once; Network Unavailable is never left pending', async () => {
      const cases = { '19': 'network_unavailable', '18': 'payer_not_found', '14': 'insufficient_funds', '15': 'below_minimum', '16': 'cancelled' } as const;
      for (const [suffix, reason] of Object.entries(cases)) {
        const res = await post(body({ phone_number: beninPhone(suffix, 3) }));
        assert.deepEqual([res.status, res.body.status, res.body.failure_reason], [201, 'failed', reason], suffix);
      }
    });
  });
}

describe('the OTP step refuses what it must', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('collection-flows-otp-refusals');
  });
  after(async () => t.close());
  const { post, otp } = api(() => t);

  test('no key, a malformed code, another merchant, a payment not waiting for a code', async () => {
    const coris = await post(body({ network: 'coris', phone_number: beninPhone('04', 4) }));
    const noKey = await call(t.url, 'POST', `/v1/payments/${coris.body.id}/otp`, { body: { otp: '1234' }, apiKey: t.apiKey });
    assert.deepEqual([noKey.status, noKey.body.error.code], [400, 'idempotency_key_required']);
    const malformed = await otp(coris.body.id, '12ab');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error.message, /otp/);
    const other = await createMerchant(t.database.db, 'another merchant');
    assert.equal((await otp(coris.body.id, '1234', newKey(), other.apiKey)).status, 404);
    const ussd = await post(body({ phone_number: beninPhone('04', 5) }));
    const notWaiting = await otp(ussd.body.id, '1234');
    assert.deepEqual([notWaiting.status, notWaiting.body.error.code], [409, 'payment_not_awaiting_otp']);
    assert.equal((await otp('0b7e0f9e-0000-4000-8000-000000000000', '1234')).status, 404);
  });

  test('two codes racing on one payment: exactly one reaches FeexPay', async () => {
    const coris = await post(body({ network: 'coris', phone_number: beninPhone('04', 6) }));
    const answers = await Promise.all([otp(coris.body.id, '2222'), otp(coris.body.id, '3333'), otp(coris.body.id, '4444')]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409]);
    assert.equal(t.simulator.byCallbackInfo(coris.body.id).requests, 2);
  });

  test('field checks name the field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ otp: '1234' }, 'field_not_accepted', /body\.otp/],
      [{ network: 'coris', otp: '1234' }, 'field_not_accepted', /\/otp/],
      [{ return_url: 'https://shop.example/back' }, 'field_not_accepted', /body\.return_url/],
      [{ network: 'wave_ci', phone_number: '2250700000000', return_url: 'http://shop.example/back' }, 'validation_failed', /return_url/],
      [{ method: 'card', network: undefined }, 'card_brand_required', /body\.card_brand/],
      [{ method: 'card', card_brand: 'VISA' }, 'field_not_accepted', /body\.network/],
      [{ method: 'card', card_brand: 'VISA', network: undefined, return_url: 'https://shop.example/back' }, 'field_not_accepted', /body\.return_url/],
      [{ network: undefined }, 'network_required', /body\.network/],
      [{ card_brand: 'VISA' }, 'field_not_accepted', /body\.card_brand/],
    ];
    for (const [over, code, message] of cases) {
      const res = await post(body(over));
      assert.deepEqual([res.status, res.body.error?.code], [400, code], JSON.stringify(over));
      assert.match(res.body.error.message, message);
      assert.match(res.body.error.param, /^body\.\w+$/, `param of ${JSON.stringify(over)}`);
      assert.ok(res.body.error.message.includes(res.body.error.param.slice('body.'.length)), 'the message names the field of param');
    }
  });

  test('the code never reaches a log line', async () => {
    const coris = await post(body({ network: 'coris', phone_number: beninPhone('00', 7) }));
    assert.equal((await otp(coris.body.id, OTP)).status, 200);
    await new Promise((r) => setTimeout(r, 300));
    for (const file of fs.readdirSync(LOG_DIR).filter((f) => f.startsWith('collection-flows'))) {
      assert.equal(fs.readFileSync(path.join(LOG_DIR, file), 'utf8').includes(OTP), false, file);
    }
  });
});

describe('per-operator settings and fees', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('collection-flows-settings', {
      NETWORK_MAINTENANCE: 'wave_sn,orange_ci',
      NETWORK_SETTINGS: JSON.stringify({ mtn: { min: 500, max: 100_000 } }),
    });
  });
  after(async () => t.close());
  const { post } = api(() => t);

  test('an operator in maintenance: 503 network_unavailable with Retry-After, before any FeexPay call or row', async () => {
    const before = t.simulator.counters().requestToPay.total;
    const res = await post(body({ network: 'wave_sn', phone_number: '221760000000' }));
    assert.deepEqual([res.status, res.body.error.code], [503, 'network_unavailable']);
    assert.equal(res.headers.get('retry-after'), '300');
    assert.equal(t.simulator.counters().requestToPay.total, before);
    assert.equal(Number((await t.database.db('payments').count<{ count: number }[]>('* as count'))[0]!.count), 0);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /feexpay_payments_refused_total\{network="wave_sn",reason="maintenance"\} 1/);
  });

  test('limits per operator name body.amount', async () => {
    const low = await post(body({ amount: 300 }));
    assert.deepEqual([low.status, low.body.error.code], [400, 'amount_out_of_range']);
    assert.match(low.body.error.message, /body\.amount must be between 500 and 100000 for mtn/);
    assert.equal((await post(body({ amount: 100_001 }))).status, 400);
    assert.equal((await post(body({ amount: 500 }))).status, 201);
  });

  test('GET /v1/fees previews FeexPay fees; bad queries are 400', async () => {
    const fees = await call(t.url, 'GET', '/v1/fees?network=mtn&amount=10000', { apiKey: t.apiKey });
    assert.deepEqual(fees.body, { object: 'fee_preview', network: 'mtn', amount: 10_000, fees: 170, total: 10_170, customer_pays_fees: true });
    assert.equal((await call(t.url, 'GET', '/v1/fees?network=paypal&amount=100', { apiKey: t.apiKey })).status, 400);
    assert.equal((await call(t.url, 'GET', '/v1/fees?network=mtn&amount=5', { apiKey: t.apiKey })).status, 400);
    assert.equal((await call(t.url, 'GET', '/v1/fees?network=mtn&amount=100')).status, 401);
  });
});
