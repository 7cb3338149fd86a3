/** Idempotency as Stripe defines it, proven with concurrent requests against the real server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { beninPhone, startTestApp, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp('idempotency');
});
after(async () => t.close());

const body = (serial: number, over: Record<string, unknown> = {}) => ({
  amount: 2500,
  currency: 'XOF',
  network: 'moov',
  phone_number: beninPhone('04', serial),
  ...over,
});
const post = (b: unknown, key: string) => call(t.url, 'POST', '/v1/payments', { body: b, apiKey: t.apiKey, headers: { 'idempotency-key': key } });

test('same key and same body replays the stored answer without a second FeexPay call', async () => {
  const key = newKey();
  const first = await post(body(1), key);
  const again = await post(body(1), key);
  assert.equal(first.status, 201);
  assert.equal(again.status, 201);
  assert.deepEqual(again.body, first.body);
  assert.equal(t.simulator.byCallbackInfo(first.body.id).requests, 1);
  // The answer stored with FeexPay's reference in one statement is the payment as it stands.
  assert.equal(first.body.status, 'pending');
  assert.ok(first.body.feexpay_reference);
  const read = await call(t.url, 'GET', `/v1/payments/${first.body.id}`, { apiKey: t.apiKey });
  assert.deepEqual(read.body, first.body);
});

test('many pending payments: every first answer equals the payment as read and as replayed', async () => {
  for (let i = 0; i < 40; i++) {
    const key = newKey();
    const first = await post(body(100 + i), key);
    assert.equal(first.status, 201);
    const [read, again] = await Promise.all([call(t.url, 'GET', `/v1/payments/${first.body.id}`, { apiKey: t.apiKey }), post(body(100 + i), key)]);
    assert.deepEqual(read.body, first.body);
    assert.deepEqual(again.body, first.body);
  }
});

test('key order in the body does not matter', async () => {
  const key = newKey();
  const first = await post(body(2), key);
  const reordered = Object.fromEntries(Object.entries(body(2)).reverse());
  const again = await post(reordered, key);
  assert.equal(again.body.id, first.body.id);
});

test('same key with another body is 422 and creates nothing', async () => {
  const key = newKey();
  const first = await post(body(3), key);
  const other = await post(body(3, { amount: 9999 }), key);
  assert.equal(other.status, 422);
  assert.equal(other.body.error.code, 'idempotency_key_reused');
  assert.equal(other.body.error.param, 'header.idempotency-key');
  const rows = await t.database.db('payments').where({ merchant_id: t.merchantId, amount: 9999 });
  assert.equal(rows.length, 0);
  assert.equal(first.status, 201);
});

test('the same key is independent between merchants', async () => {
  const key = newKey();
  const a = await post(body(4), key);
  const { createMerchant } = await import('../../src/merchants/merchants.ts');
  const other = await createMerchant(t.database.db, 'another');
  const b = await call(t.url, 'POST', '/v1/payments', { body: body(4), apiKey: other.apiKey, headers: { 'idempotency-key': key } });
  assert.equal(b.status, 201);
  assert.notEqual(b.body.id, a.body.id);
});

test('50 concurrent identical POSTs give one payment and one FeexPay call', async () => {
  const key = newKey('burst');
  const b = body(5, { phone_number: beninPhone('00', 5) });
  const answers = await Promise.all(Array.from({ length: 50 }, () => post(b, key)));
  const statuses = answers.map((a) => a.status);
  assert.ok(
    statuses.every((s) => s === 201 || s === 409),
    `unexpected statuses ${[...new Set(statuses)]}`,
  );
  const created = answers.filter((a) => a.status === 201);
  assert.ok(created.length >= 1);
  assert.equal(new Set(created.map((a) => a.body.id)).size, 1, 'every 201 is the same payment');
  for (const conflict of answers.filter((a) => a.status === 409)) {
    assert.equal(conflict.body.error.code, 'idempotency_request_in_progress');
  }
  const id = created[0]!.body.id;
  const rows = await t.database.db('payments').where({ merchant_id: t.merchantId, phone_number: beninPhone('00', 5) });
  assert.equal(rows.length, 1);
  assert.equal(t.simulator.byCallbackInfo(id).requests, 1);
  // Once the first finished, a retry replays it.
  const later = await post(b, key);
  assert.equal(later.status, 201);
  assert.equal(later.body.id, id);
});

test('a retry while the first request is still with FeexPay gets 409', async () => {
  // FeexPay 'hang' mode holds request-to-pay open, like a customer slow to approve.
  t.simulator.setDownMode('hang');
  const key = newKey('slow');
  const first = post(body(6), key);
  await new Promise((r) => setTimeout(r, 200));
  const retry = await post(body(6), key);
  assert.equal(retry.status, 409);
  t.simulator.setDownMode('off');
  const done = await first;
  assert.equal(done.status, 201);
});
