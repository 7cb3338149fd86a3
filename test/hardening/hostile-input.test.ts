/**
 * Each hostile input of issue 13 that once answered 500: now a 4xx naming the field, nothing
 * stored, and a retry gets the same 4xx. The webhook with a NUL in its status moves nothing and
 * its delivery is recorded all the same.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { beninPhone, startTestApp, TEST_ENV, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';

let t: TestApp;
/** A key with both scopes: the lists of payments and payouts get the same hostile queries. */
let payoutsKey: string;
before(async () => {
  t = await startTestApp('hostile-input', { RATE_LIMIT_PER_PHONE_PER_HOUR: '1000' });
  payoutsKey = (await createMerchant(t.database.db, 'hostile payouts', ['payments', 'payouts'])).apiKey;
});
after(async () => t.close());

const valid = { amount: 800, currency: 'XOF', network: 'mtn', phone_number: beninPhone('04', 7) };
const cursorOf = (text: string) => Buffer.from(text).toString('base64url');

const bodies: [string, Record<string, unknown>, RegExp][] = [
  ['NUL in a metadata value', { ...valid, metadata: { order: 'A\u0000B' } }, /body\.metadata\.order/],
  ['NUL in a customer name', { ...valid, customer: { first_name: 'Ko\u0000ffi' } }, /body\.customer\.first_name/],
  ['NUL in the description', { ...valid, description: 'Order\u0000 12' }, /body\.description/],
  ['lone high surrogate in a metadata value', { ...valid, metadata: { order: 'x\ud800' } }, /body\.metadata\.order/],
  ['lone low surrogate in a metadata value', { ...valid, metadata: { order: '\udfffx' } }, /body\.metadata\.order/],
  ['lone surrogate in a customer name', { ...valid, customer: { last_name: 'D\ud83d' } }, /body\.customer\.last_name/],
  ['NUL in a metadata key', { ...valid, metadata: { 'a\u0000': 'x' } }, /body\.metadata\.a\\u0000/],
];

for (const [what, body, field] of bodies) {
  test(`create with ${what}: 400 naming the field, nothing stored, the retry gets the same`, async () => {
    const key = newKey('hostile');
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await call(t.url, 'POST', '/v1/payments', { apiKey: t.apiKey, body, headers: { 'idempotency-key': key } });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error.code, /^[a-z_]+$/);
      assert.match(r.body.error.message, field);
    }
    const stored = await t.database.db('idempotency_keys').where({ key }).first();
    assert.equal(stored, undefined);
  });
}

test('a well-formed name with combining marks and non-Latin letters is accepted and kept as sent', async () => {
  const first = 'Adéwálé\u0301 Ọlá 科菲';
  const r = await call(t.url, 'POST', '/v1/payments', {
    apiKey: t.apiKey,
    body: { ...valid, customer: { first_name: first }, metadata: { note: '🙂 e\u0301 ✓' } },
    headers: { 'idempotency-key': newKey('unicode') },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const row = await t.database.db('payments').where({ id: r.body.id }).first();
  assert.equal(row.customer.first_name, first);
  assert.equal(r.body.metadata.note, '🙂 e\u0301 ✓');
});

const queries: [string, string, string][] = [
  ['a leap second in created_gte', 'created_gte=2024-06-30T23:59:60Z', 'query.created_gte'],
  ['a leap second in created_lt', 'created_lt=2016-12-31T23:59:60.5Z', 'query.created_lt'],
  ['year -271821 in created_lt', 'created_lt=-271821-04-20T00:00:00Z', 'created_lt'],
  ['year 0000 in created_gte', 'created_gte=0000-01-01T00:00:00Z', 'query.created_gte'],
  ['February 30th', 'created_gte=2024-02-30T00:00:00Z', 'created_gte'],
  ['a cursor whose id is 36 dashes', `cursor=${cursorOf(`2024-01-01T00:00:00.000Z|${'-'.repeat(36)}`)}`, 'query.cursor'],
  ['a cursor dated year -271821', `cursor=${cursorOf('-271821-04-20T00:00:00.000Z|00000000-0000-4000-8000-000000000000')}`, 'query.cursor'],
  ['a cursor dated year +275760', `cursor=${cursorOf('+275760-09-13T00:00:00.000Z|00000000-0000-4000-8000-000000000000')}`, 'query.cursor'],
  ['a cursor with a leap second', `cursor=${cursorOf('2016-12-31T23:59:60.000Z|00000000-0000-4000-8000-000000000000')}`, 'query.cursor'],
  ['a cursor with a NUL', `cursor=${cursorOf('2024-01-01T00:00:00.000Z|00000000-0000-4000-8000-00000000000\u0000')}`, 'query.cursor'],
  ['a cursor with three parts', `cursor=${cursorOf('2024-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000|x')}`, 'query.cursor'],
  ['a cursor of lone surrogate bytes', `cursor=${Buffer.from([0xed, 0xa0, 0x80, 0x7c]).toString('base64url')}`, 'query.cursor'],
];

// Payouts read their page the way payments do: their own, looser reading of dates and cursors
// answered 500 for year 0000, a leap second and an out-of-range cursor.
for (const list of ['payments', 'payouts']) {
  for (const [what, query, field] of queries) {
    test(`${list} list with ${what}: 400 naming ${field}`, async () => {
      const r = await call(t.url, 'GET', `/v1/${list}?${query}`, { apiKey: payoutsKey });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.ok(r.body.error.message.includes(field), r.body.error.message);
      if (r.body.error.code !== 'validation_failed') assert.ok(r.body.error.param?.startsWith('query.'), JSON.stringify(r.body));
    });
  }
}

for (const [what, metadata] of [
  ['a NUL', { order: 'A\u0000B' }],
  ['a lone surrogate', { order: 'x\ud800' }],
] as const) {
  test(`a payout with ${what} in a metadata value: 400 naming body.metadata.order, nothing stored, no FeexPay call`, async () => {
    const key = newKey('hostile-payout');
    const body = { amount: 5000, currency: 'XOF', network: 'mtn', phone_number: beninPhone('00', 3), motif: 'Refund 42', metadata };
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await call(t.url, 'POST', '/v1/payouts', { apiKey: payoutsKey, body, headers: { 'idempotency-key': key } });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error.message, /body\.metadata\.order/);
    }
    assert.equal(await t.database.db('idempotency_keys').where({ key }).first(), undefined);
    assert.equal((await t.database.db('payouts').count('* as n'))[0]!.n, 0);
  });
}

test('a webhook with status "SUCCESSFUL\\u0000": 400 naming body.status, the payment unchanged, the delivery recorded', async () => {
  const created = await call(t.url, 'POST', '/v1/payments', { apiKey: t.apiKey, body: valid, headers: { 'idempotency-key': newKey('hook') } });
  assert.equal(created.status, 201);
  const reference = created.body.feexpay_reference as string;
  // FeexPay itself now says SUCCESSFUL: only a valid delivery (or the reconciler) may act on it.
  t.simulator.forceStatus(reference, 'SUCCESSFUL', '', { webhook: false });
  const before = await t.database.db('webhook_deliveries').where({ reference }).count<{ n: number }[]>('* as n');
  const r = await call(t.url, 'POST', `/v1/webhooks/feexpay/${TEST_ENV.WEBHOOK_TOKEN}`, { body: { reference, status: 'SUCCESSFUL\u0000' } });
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.match(r.body.error.message, /body\.status/);
  const payment = await call(t.url, 'GET', `/v1/payments/${created.body.id}`, { apiKey: t.apiKey });
  assert.equal(payment.body.status, 'pending', 'a refused delivery moves nothing');
  const rows = await t.database.db('webhook_deliveries').where({ reference }).orderBy('id');
  assert.equal(rows.length, Number(before[0]!.n) + 1, 'the delivery is recorded');
  assert.equal(rows.at(-1).result, 'rejected');
  assert.equal(rows.at(-1).claimed_status, 'SUCCESSFUL\uFFFD');

  // The same delivery without the NUL is read, and FeexPay's word settles the payment.
  const ok = await call(t.url, 'POST', `/v1/webhooks/feexpay/${TEST_ENV.WEBHOOK_TOKEN}`, { body: { reference, status: 'SUCCESSFUL' } });
  assert.equal(ok.status, 200);
  assert.equal((await call(t.url, 'GET', `/v1/payments/${created.body.id}`, { apiKey: t.apiKey })).body.status, 'successful');
});

test('a webhook with a lone surrogate in callback_info or a NUL in the reference: 400, recorded', async () => {
  for (const body of [{ reference: 'REF-1', callback_info: '\ud800' }, { reference: 'RE\u0000F' }]) {
    const r = await call(t.url, 'POST', `/v1/webhooks/feexpay/${TEST_ENV.WEBHOOK_TOKEN}`, { body });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.error.message, /body\.(callback_info|reference)/);
  }
  const rejected = await t.database.db('webhook_deliveries').where({ result: 'rejected' }).whereIn('reference', ['REF-1', 'RE\uFFFDF']);
  assert.equal(rejected.length, 2);
});
