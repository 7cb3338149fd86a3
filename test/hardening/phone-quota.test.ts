/**
 * The per-phone quota counts prompts sent to a phone, nothing else: a replay always gets its
 * stored answer (even with the quota spent), 409s, 422s and refused 400s use none of it, and a
 * merchant cannot lock a customer's phone with invalid requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

const LIMIT = 3;
let t: TestApp;

before(async () => {
  // Settling slowly, so that a second request with the same key finds the first in flight.
  t = await startTestApp('phone-quota', { RATE_LIMIT_PER_PHONE_PER_HOUR: String(LIMIT), SIMULATOR_SETTLE_DELAY_MS: '60000' });
});
after(async () => t.close());

const body = (phone: string, extra: Record<string, unknown> = {}) => ({ amount: 1200, currency: 'XOF', network: 'mtn', phone_number: phone, ...extra });
const post = (b: unknown, key: string) => call(t.url, 'POST', '/v1/payments', { apiKey: t.apiKey, body: b, headers: { 'idempotency-key': key } });

test('refused 400s and 422s use no quota: ten invalid requests do not lock a phone', async () => {
  const phone = '2290167880104';
  const invalid = [
    { ...body(phone), currency: 'XAF' }, // currency of another country
    { ...body(phone), amount: 1 }, // below the minimum
    { ...body(phone), metadata: { a: 'x\u0000' } },
    { ...body(phone), customer: { first_name: 'a\ud800' } },
    { ...body(phone), network: 'moov_tg' }, // a Benin number on a Togo network
  ];
  for (let i = 0; i < 10; i++) {
    const r = await post(invalid[i % invalid.length], newKey('invalid'));
    assert.equal(r.status, 400, JSON.stringify(r.body));
  }
  const key = newKey('reuse');
  assert.equal((await post(body(phone), key)).status, 201);
  for (let i = 0; i < 5; i++) assert.equal((await post(body(phone, { amount: 1300 + i }), key)).status, 422);
  assert.equal((await post(body(phone), newKey('ok'))).status, 201);
  assert.equal((await post(body(phone), newKey('ok'))).status, 201);
  const over = await post(body(phone), newKey('over'));
  assert.equal(over.status, 429, 'the fourth prompt is refused');
  assert.equal(over.body.error.code, 'rate_limited');
  assert.ok(Number(over.headers.get('retry-after')) > 0);
});

test('a replay gets its stored answer, even when the phone has no quota left', async () => {
  const phone = '2290167880204';
  const keys = [newKey('r'), newKey('r'), newKey('r')];
  const first = [];
  for (const k of keys) first.push(await post(body(phone), k));
  assert.deepEqual(
    first.map((r) => r.status),
    [201, 201, 201],
  );
  assert.equal((await post(body(phone), newKey('r'))).status, 429);
  for (const [i, k] of keys.entries()) {
    const again = await post(body(phone), k);
    assert.equal(again.status, 201, `replay ${i}: ${JSON.stringify(again.body)}`);
    assert.equal(again.body.id, first[i]!.body.id);
  }
  const mismatch = await post(body(phone, { amount: 999 }), keys[0]!);
  assert.equal(mismatch.status, 422, 'a reused key with another body is still told so, not rate limited');
});

test('50 concurrent requests with one key: one payment, the rest replay or wait (409), none is rate limited', async () => {
  const phone = '2290167880304';
  const key = newKey('burst');
  const answers = await Promise.all(Array.from({ length: 50 }, () => post(body(phone), key)));
  const statuses = answers.map((r) => r.status);
  const count = (s: number) => statuses.filter((x) => x === s).length;
  assert.equal(count(429), 0, `statuses: ${statuses.join(',')}`);
  assert.equal(count(201) + count(409), 50);
  const ids = new Set(answers.filter((r) => r.status === 201).map((r) => r.body.id));
  assert.equal(ids.size, 1);
  // The burst used one prompt: two more go through, the next is refused.
  assert.equal((await post(body(phone), newKey('burst'))).status, 201);
  assert.equal((await post(body(phone), newKey('burst'))).status, 201);
  assert.equal((await post(body(phone), newKey('burst'))).status, 429);
});

test('PostgreSQL: the same burst while the first claim waits on the database: still none is rate limited', async (ctx) => {
  if (!t.database.url) return ctx.skip('PostgreSQL only (another connection holds the lock)');
  // A busy database commits the first claim late: the racing retries must not take the quota's
  // places meanwhile and refuse each other with a 429 while the key is not yet committed.
  const locker = t.database.connectAgain();
  const trx = await locker.transaction();
  try {
    await trx.raw('LOCK TABLE idempotency_keys IN SHARE MODE');
    const key = newKey('slow-burst');
    const burst = Promise.all(Array.from({ length: 50 }, () => post(body('2290167880504'), key)));
    await new Promise((r) => setTimeout(r, 600));
    await trx.commit();
    const answers = await burst;
    const statuses = answers.map((r) => r.status).join(',');
    assert.ok(
      answers.every((r) => r.status === 201 || r.status === 409),
      `statuses: ${statuses}`,
    );
    assert.equal(new Set(answers.filter((r) => r.status === 201).map((r) => r.body.id)).size, 1, 'one payment');
  } finally {
    if (!trx.isCompleted()) await trx.rollback();
  }
});

test('concurrent distinct requests to one phone: exactly the limit gets through', async () => {
  const phone = '2290167880404';
  const answers = await Promise.all(Array.from({ length: 12 }, () => post(body(phone), newKey('distinct'))));
  const statuses = answers.map((r) => r.status).sort();
  assert.equal(statuses.filter((s) => s === 201).length, LIMIT, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 429).length, 12 - LIMIT);
  const prompts = answers.filter((r) => r.status === 201).map((r) => t.simulator.byCallbackInfo(r.body.id).requests);
  assert.deepEqual(prompts, [1, 1, 1], 'FeexPay was asked once per accepted payment');
});
