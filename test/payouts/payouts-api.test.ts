/** The payout API through real HTTP: scopes, validation before FeexPay, idempotency, merchant scope, lists. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { beninPhone } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { payoutBody, postPayout, startPayoutApp, type PayoutTestApp } from './helpers.ts';

let t: PayoutTestApp;
before(async () => {
  // Long enough for FeexPay to answer while 50 requests share PGlite's event loop; scenario 05 answers after 35 s.
  t = await startPayoutApp('payouts-api', { FEEXPAY_REQUEST_TIMEOUT_MS: '5000' });
});
after(async () => t.close());

test('a key without the payouts scope gets 403 insufficient_scope on every payout route, and no FeexPay call', async () => {
  const before = t.sim.snapshot().transfers.total;
  const post = await postPayout(t, payoutBody('00', 1), newKey(), t.apiKey);
  const list = await call(t.url, 'GET', '/v1/payouts', { apiKey: t.apiKey });
  const read = await call(t.url, 'GET', `/v1/payouts/${crypto.randomUUID()}`, { apiKey: t.apiKey });
  for (const a of [post, list, read]) {
    assert.equal(a.status, 403);
    assert.equal(a.body.error.code, 'insufficient_scope');
  }
  assert.equal(t.sim.snapshot().transfers.total, before);
  // The same key still collects payments.
  const payment = await call(t.url, 'POST', '/v1/payments', {
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey() },
    body: { amount: 500, currency: 'XOF', network: 'mtn', phone_number: beninPhone('04', 1) },
  });
  assert.equal(payment.status, 201);
  // A payouts-only key cannot collect.
  const only = await createMerchant(t.database.db, 'payouts only', ['payouts']);
  const refused = await call(t.url, 'GET', '/v1/payments', { apiKey: only.apiKey });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'insufficient_scope');
});

test('bad input is a 400 naming the field, before any FeexPay call', async () => {
  const before = t.sim.snapshot().transfers.total;
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ network: 'coris' }, 'validation_failed', /body\.network/],
    [{ network: 'orange_bf', phone_number: '22670000000' }, 'validation_failed', /body\.network/],
    [{ phone_number: '2290267000000' }, 'invalid_phone_number', /body\.phone_number/],
    [{ network: 'togocom_tg' }, 'invalid_phone_number', /body\.phone_number/],
    [{ network: 'mtn_cg', phone_number: '242061234500' }, 'currency_mismatch', /body\.currency/],
    [{ amount: 49 }, 'amount_out_of_range', /body\.amount/],
    [{ network: 'togocom_tg', phone_number: '22890000000', amount: 99 }, 'amount_out_of_range', /body\.amount/],
    [{ amount: 100_001 }, 'validation_failed', /body\.amount/],
    [{ amount: 1000.5 }, 'validation_failed', /body\.amount/],
    [{ amount: '1000' }, 'validation_failed', /body\.amount/],
    [{ motif: 'Refund #42' }, 'validation_failed', /body\.motif/],
    [{ motif: 'x'.repeat(31) }, 'validation_failed', /body\.motif/],
    [{ motif: '' }, 'validation_failed', /body\.motif/],
    [{ currency: 'EUR' }, 'validation_failed', /body\.currency/],
    [{ extra: 1 }, 'validation_failed', /body\.extra/],
  ];
  for (const [over, code, field] of cases) {
    const a = await postPayout(t, payoutBody('00', 2, over));
    assert.equal(a.status, 400, JSON.stringify(over));
    assert.equal(a.body.error.code, code, JSON.stringify(over));
    assert.match(a.body.error.message, field, JSON.stringify(over));
    assert.match(a.body.error.param, field, `param of ${JSON.stringify(over)}`);
  }
  const noKey = await call(t.url, 'POST', '/v1/payouts', { body: payoutBody('00', 2), apiKey: t.payoutKey });
  assert.equal(noKey.status, 400);
  assert.equal(noKey.body.error.code, 'idempotency_key_required');
  assert.equal(noKey.body.error.param, 'header.idempotency-key');
  assert.equal(t.sim.snapshot().transfers.total, before, 'no FeexPay call for a refused request');
  // The edges are accepted: 50 in Benin, 100 in Togo, 100,000 anywhere, a 30-character motif.
  for (const over of [{ amount: 50 }, { amount: 100_000, motif: 'A'.repeat(30) }, { network: 'togocom_tg', phone_number: '22890000004', amount: 100 }]) {
    const ok = await postPayout(t, payoutBody('04', 3, over));
    assert.equal(ok.status, 201, JSON.stringify([over, ok.body]));
  }
});

test('replay, another body, and in flight follow the payments rules', async () => {
  const key = newKey();
  const first = await postPayout(t, payoutBody('00', 4), key);
  assert.equal(first.status, 201);
  assert.equal(first.body.object, 'payout');
  assert.equal(first.body.status, 'pending');
  assert.equal(first.body.phone_last4, beninPhone('00', 4).slice(-4));
  const again = await postPayout(t, payoutBody('00', 4), key);
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(again.body, first.body);
  const other = await postPayout(t, payoutBody('00', 4, { amount: 2000 }), key);
  assert.equal(other.status, 422);
  assert.equal(other.body.error.code, 'idempotency_key_reused');
  // A payment body under a key a payout used is another request.
  const asPayment = await call(t.url, 'POST', '/v1/payments', {
    apiKey: t.payoutKey,
    headers: { 'idempotency-key': key },
    body: { amount: 1000, currency: 'XOF', network: 'mtn', phone_number: beninPhone('00', 4) },
  });
  assert.equal(asPayment.status, 422);
  assert.equal(t.sim.byCallbackInfo(first.body.id).requests, 1);

  // Scenario 05 answers after the client's timeout: meanwhile the key is in flight.
  const slowKey = newKey();
  const slow = postPayout(t, payoutBody('05', 5), slowKey);
  await new Promise((r) => setTimeout(r, 300));
  const during = await postPayout(t, payoutBody('05', 5), slowKey);
  assert.equal(during.status, 409);
  assert.equal(during.body.error.code, 'idempotency_request_in_progress');
  assert.equal((await slow).status, 201);
});

test('50 identical concurrent requests make one payout and one FeexPay call', async () => {
  const key = newKey('burst');
  const body = payoutBody('04', 6);
  const answers = await Promise.all(Array.from({ length: 50 }, () => postPayout(t, body, key)));
  const created = answers.filter((a) => a.status === 201);
  assert.ok(
    answers.every((a) => a.status === 201 || a.status === 409),
    String(new Set(answers.map((a) => a.status))),
  );
  assert.ok(created.length >= 1);
  assert.equal(new Set(created.map((a) => a.body.id)).size, 1);
  const rows = await t.database.db('payouts').where({ merchant_id: t.payoutMerchantId, phone_number: body.phone_number });
  assert.equal(rows.length, 1);
  assert.equal(t.sim.byCallbackInfo(rows[0].id).requests, 1);
});

test("another merchant's payout is a 404, and lists are per merchant, filtered and paged", async () => {
  const mine = await postPayout(t, payoutBody('04', 7));
  const other = await createMerchant(t.database.db, 'other payer', ['payouts']);
  const read = await call(t.url, 'GET', `/v1/payouts/${mine.body.id}`, { apiKey: other.apiKey });
  assert.equal(read.status, 404);
  assert.equal(read.body.error.code, 'payout_not_found');
  const own = await call(t.url, 'GET', `/v1/payouts/${mine.body.id}`, { apiKey: t.payoutKey });
  assert.equal(own.status, 200);
  assert.equal(own.body.id, mine.body.id);
  const theirs = await call(t.url, 'GET', '/v1/payouts', { apiKey: other.apiKey });
  assert.deepEqual(theirs.body.data, []);

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { data: { id: string; status: string }[]; next_cursor: string | null } } = await call(
      t.url,
      'GET',
      `/v1/payouts?limit=2&status=pending${cursor ? `&cursor=${cursor}` : ''}`,
      { apiKey: t.payoutKey },
    );
    assert.equal(page.status, 200);
    assert.ok(page.body.data.length <= 2);
    for (const p of page.body.data) assert.equal(p.status, 'pending');
    seen.push(...page.body.data.map((p) => p.id));
    cursor = page.body.next_cursor;
  } while (cursor);
  const pending = await t.database.db('payouts').where({ merchant_id: t.payoutMerchantId, status: 'pending' });
  assert.equal(seen.length, pending.length);
  assert.equal(new Set(seen).size, seen.length);
  const bad = await call(t.url, 'GET', '/v1/payouts?cursor=bm9wZQ', { apiKey: t.payoutKey });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_cursor');
});
