/** POST/GET /v1/payments end to end: real HTTP, real database, FeexPay simulator over loopback. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { beninPhone, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { sampleValue } from '../../bench/lib/prometheus-text.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp('payments-api');
});
after(async () => t.close());

const payment = (over: Record<string, unknown> = {}) => ({
  amount: 1500,
  currency: 'XOF',
  network: 'mtn',
  phone_number: beninPhone('00'),
  description: 'Order 42',
  customer: { first_name: 'Afi', last_name: 'Dossou', email: 'afi@example.com' },
  metadata: { order_id: '42' },
  ...over,
});

const post = (body: unknown, key = newKey(), apiKey = t.apiKey) => call(t.url, 'POST', '/v1/payments', { body, apiKey, headers: { 'idempotency-key': key } });

describe('creating a payment', () => {
  test('is pending with a FeexPay reference, then successful once FeexPay confirms the webhook', async () => {
    const res = await post(payment());
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'pending');
    assert.equal(res.body.amount, 1500);
    assert.match(res.body.feexpay_reference, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.phone_last4, beninPhone('00').slice(-4));
    assert.equal(JSON.stringify(res.body).includes(beninPhone('00')), false, 'full phone number never returned');
    const settled = await waitFor(async () => {
      const r = await call(t.url, 'GET', `/v1/payments/${res.body.id}`, { apiKey: t.apiKey });
      return r.body.status === 'successful' && r;
    });
    assert.ok(settled.body.settled_at);
    const events = await t.database.db('payment_events').where({ payment_id: res.body.id }).orderBy('id');
    assert.deepEqual(
      events.map((e) => [e.from_status, e.to_status, e.source]),
      [
        [null, 'pending', 'api'],
        ['pending', 'successful', 'webhook'],
      ],
    );
  });

  test('FeexPay answering 200 with FAILED fails the payment at once with its reason', async () => {
    const res = await post(payment({ phone_number: beninPhone('03', 1) }));
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'failed');
    assert.equal(res.body.failure_reason, 'insufficient_funds');
  });

  test('a FeexPay 500 leaves the payment pending without a reference, never failed or successful', async () => {
    const res = await post(payment({ phone_number: beninPhone('06', 2) }));
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'pending');
    assert.equal(res.body.feexpay_reference, null);
  });

  test('redirect operators return the payment page', async () => {
    const res = await post(payment({ network: 'wave_ci', phone_number: '2250700000000' }));
    assert.equal(res.status, 201);
    assert.match(res.body.payment_url, /^https?:\/\//);
    assert.deepEqual(res.body.next_action, { type: 'redirect_to_url', url: res.body.payment_url });
  });
});

describe('bad input gets a 4xx naming the problem', () => {
  const cases: [string, unknown, number, string, string?][] = [
    ['amount as a string', payment({ amount: '1500' }), 400, 'validation_failed'],
    ['fractional amount', payment({ amount: 100.5 }), 400, 'validation_failed'],
    ['amount under the minimum', payment({ amount: 99 }), 400, 'validation_failed'],
    ['amount over the maximum', payment({ amount: 2_000_001 }), 400, 'validation_failed'],
    ['unknown network', payment({ network: 'paypal' }), 400, 'validation_failed'],
    ['unknown field', payment({ surprise: true }), 400, 'validation_failed'],
    ['phone of another country', payment({ phone_number: '22890000000' }), 400, 'invalid_phone_number', 'body.phone_number'],
    ['old 8-digit Benin number', payment({ phone_number: '22997000000' }), 400, 'invalid_phone_number', 'body.phone_number'],
    ['currency of another zone', payment({ currency: 'XAF' }), 400, 'currency_mismatch', 'body.currency'],
    ['description with punctuation', payment({ description: 'Order #42!' }), 400, 'validation_failed'],
    ['bad email', payment({ customer: { email: 'not-an-email' } }), 400, 'validation_failed'],
  ];
  for (const [name, body, status, code, param] of cases) {
    test(name, async () => {
      const res = await post(body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code);
      if (param) assert.equal(res.body.error.param, param);
      assert.ok(res.body.error.message.length > 5);
    });
  }

  test('a key given twice or an amount JSON would round: 400 naming body.amount, nothing stored', async () => {
    const base = JSON.stringify(payment());
    for (const [raw, code] of [
      [base.replace('{', '{"amount":100000,'), 'invalid_json'],
      [base.replace(/"amount":\d+/, '"amount":99.99999999999999999'), 'validation_failed'],
      [base.replace(/"amount":\d+/, '"amount":15e2'), 'validation_failed'],
    ] as const) {
      const key = newKey();
      const res = await call(t.url, 'POST', '/v1/payments', { rawBody: raw, apiKey: t.apiKey, headers: { 'idempotency-key': key, 'content-type': 'application/json' } });
      assert.deepEqual([res.status, res.body.error.code, res.body.error.param], [400, code, 'body.amount'], raw);
      assert.equal(await t.database.db('idempotency_keys').where({ key }).first(), undefined, 'nothing stored');
    }
  });

  test('a missing Idempotency-Key', async () => {
    const res = await call(t.url, 'POST', '/v1/payments', { body: payment(), apiKey: t.apiKey });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'idempotency_key_required');
  });

  test('the message names the field', async () => {
    const res = await post(payment({ amount: 'lots' }));
    assert.match(res.body.error.message, /amount/);
    const extra = await post(payment({ surprise: 1 }));
    assert.match(extra.body.error.message, /surprise/);
  });

  test('malformed JSON, wrong content type and oversized bodies', async () => {
    const headers = { 'idempotency-key': newKey(), 'content-type': 'application/json' };
    const bad = await call(t.url, 'POST', '/v1/payments', { rawBody: '{"amount":', apiKey: t.apiKey, headers });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_json');
    const text = await call(t.url, 'POST', '/v1/payments', {
      rawBody: 'amount=1',
      apiKey: t.apiKey,
      headers: { ...headers, 'content-type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    assert.equal(text.body.error.code, 'unsupported_media_type');
    const huge = await call(t.url, 'POST', '/v1/payments', {
      rawBody: JSON.stringify({ ...payment(), description: 'a'.repeat(100_000) }),
      apiKey: t.apiKey,
      headers,
    });
    assert.equal(huge.status, 413);
  });

  test('a body that is not valid UTF-8 or declares another charset is refused, never decoded with replacement characters', async () => {
    const json = JSON.stringify(payment({ metadata: { note: 'abXXcd' } }));
    const [before, after] = json.split('XX') as [string, string];
    const invalid = Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]);
    const key = newKey();
    const bad = await call(t.url, 'POST', '/v1/payments', { rawBody: invalid, apiKey: t.apiKey, headers: { 'idempotency-key': key, 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_json');
    assert.match(bad.body.error.message, /UTF-8/);
    assert.equal(await t.database.db('idempotency_keys').where({ key }).first(), undefined, 'nothing stored');
    for (const charset of ['latin1', 'utf-16', '"iso-8859-1"']) {
      const declared = await call(t.url, 'POST', '/v1/payments', {
        rawBody: JSON.stringify(payment({ metadata: { note: 'Adéwálé' } })),
        apiKey: t.apiKey,
        headers: { 'idempotency-key': newKey(), 'content-type': `application/json; charset=${charset}` },
      });
      assert.equal(declared.status, 415, charset);
      assert.equal(declared.body.error.code, 'unsupported_media_type');
    }
    // ASCII bytes mean the same in latin1: the label alone is no reason to refuse.
    const ascii = await call(t.url, 'POST', '/v1/payments', {
      rawBody: JSON.stringify(payment()),
      apiKey: t.apiKey,
      headers: { 'idempotency-key': newKey(), 'content-type': 'application/json; charset=ISO-8859-1' },
    });
    assert.equal(ascii.status, 201, JSON.stringify(ascii.body));
    for (const charset of ['utf-8', 'UTF-8', '"utf8"']) {
      const ok = await call(t.url, 'POST', '/v1/payments', {
        rawBody: JSON.stringify(payment({ metadata: { note: 'Adéwálé 🙂' } })),
        apiKey: t.apiKey,
        headers: { 'idempotency-key': newKey(), 'content-type': `application/json; charset=${charset}` },
      });
      assert.equal(ok.status, 201, `${charset}: ${JSON.stringify(ok.body)}`);
      assert.equal(ok.body.metadata.note, 'Adéwálé 🙂');
    }
  });

  test('no nothing is stored for refused requests', async () => {
    const before = await t.database.db('payments').count<{ count: number }[]>('* as count');
    await post(payment({ amount: 'x' }));
    const after = await t.database.db('payments').count<{ count: number }[]>('* as count');
    assert.equal(Number(after[0]!.count), Number(before[0]!.count));
  });
});

describe('authentication and isolation', () => {
  test('no key, a malformed key and an unknown key are 401', async () => {
    for (const apiKey of [undefined, 'nope', 'fgw_' + 'x'.repeat(32)]) {
      const res = await call(t.url, 'GET', '/v1/payments', { apiKey });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'unauthorized');
    }
  });

  test("another merchant's payment is a 404, and absent from its list", async () => {
    const mine = await post(payment());
    const other = await createMerchant(t.database.db, 'other shop');
    const res = await call(t.url, 'GET', `/v1/payments/${mine.body.id}`, { apiKey: other.apiKey });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'payment_not_found');
    const list = await call(t.url, 'GET', '/v1/payments', { apiKey: other.apiKey });
    assert.equal(list.body.data.length, 0);
  });

  test('a malformed id is a 400, not a 500', async () => {
    const res = await call(t.url, 'GET', '/v1/payments/not-a-uuid', { apiKey: t.apiKey });
    assert.equal(res.status, 400);
  });
});

describe('listing', () => {
  test('pages with a cursor, newest first, and filters by status and network', async () => {
    const merchant = await createMerchant(t.database.db, 'lister');
    for (let i = 0; i < 5; i++) {
      const r = await post(payment({ phone_number: beninPhone(i % 2 ? '03' : '04', 10 + i) }), newKey(), merchant.apiKey);
      assert.equal(r.status, 201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await call(t.url, 'GET', `/v1/payments${q}`, { apiKey: merchant.apiKey });
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((p: { id: string }) => p.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    const failed = await call(t.url, 'GET', '/v1/payments?status=failed&network=mtn', { apiKey: merchant.apiKey });
    assert.equal(failed.body.data.length, 2);
    assert.ok(failed.body.data.every((p: { status: string }) => p.status === 'failed'));
    const none = await call(t.url, 'GET', '/v1/payments?network=moov', { apiKey: merchant.apiKey });
    assert.equal(none.body.data.length, 0);
    const bad = await call(t.url, 'GET', '/v1/payments?limit=1000', { apiKey: merchant.apiKey });
    assert.equal(bad.status, 400);
    const badCursor = await call(t.url, 'GET', '/v1/payments?cursor=abc', { apiKey: merchant.apiKey });
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.error.code, 'invalid_cursor');
  });
});

test('/metrics tells how many payments each shared write carried', async () => {
  const rows = async (statement: string) => {
    const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const read = (suffix: string) => sampleValue(body, `feexpay_db_batched_statement_rows_${suffix}{statement="${statement}"}`) ?? 0;
    return { sum: read('sum'), count: read('count') };
  };
  const before = await rows('payment_claim');
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => post(payment({ phone_number: beninPhone('04', i) }))));
  for (const a of answers) assert.equal(a.status, 201);
  const claims = await rows('payment_claim');
  assert.equal(claims.sum - before.sum, 30, 'every payment counted once');
  assert.ok(claims.count - before.count <= 30);
  assert.ok((await rows('payment_attach')).sum >= 30);
});
