/**
 * The FeexPay callback is the one unauthenticated write path, so it gets the most hostile input:
 * huge, deeply nested, wrongly typed and prototype-polluting bodies. It answers 2xx or 4xx, never
 * 5xx; nothing it is told moves a payment (only FeexPay's status endpoint does); the process's
 * prototypes stay clean and its heap steady.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { beninPhone, startTestApp, TEST_ENV, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { contentType, deepJsonText, hostileJson, hostileString, protoPoisonText, runs } from './arbitraries.ts';
import { closeAgent, heapUsedMb, rawRequest } from './raw-http.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const HOOK = `/v1/webhooks/feexpay/${TEST_ENV.WEBHOOK_TOKEN}`;

let t: TestApp;
/** Payments FeexPay keeps PENDING forever (suffix 04): no webhook may settle them. */
const pending: { id: string; reference: string }[] = [];

before(async () => {
  t = await startTestApp('fuzz-webhook', { LOG_LEVEL: 'warn', RATE_LIMIT_PER_PHONE_PER_HOUR: '10000' });
  for (let i = 0; i < 5; i++) {
    const r = await call(t.url, 'POST', '/v1/payments', {
      body: { amount: 1000 + i, currency: 'XOF', network: 'mtn', phone_number: beninPhone('04', i) },
      apiKey: t.apiKey,
      headers: { 'idempotency-key': newKey('fuzz-hook') },
    });
    assert.equal(r.status, 201);
    pending.push({ id: r.body.id, reference: r.body.feexpay_reference });
  }
});
after(async () => {
  closeAgent();
  await t.close();
});

const post = (body: string, type = 'application/json', path = HOOK) => rawRequest(t.url, { method: 'POST', path, headers: { 'content-type': type }, body });

function assertHandled(status: number, body: string, what: string): void {
  assert.ok(status >= 200 && status < 500, `${what} answered ${status}: ${body.slice(0, 300)}`);
}

test('hostile bodies: huge, deeply nested, wrong types, random JSON, odd content types', async () => {
  const heapBefore = heapUsedMb();
  const wrongTypes = fc.record(
    {
      reference: fc.oneof(hostileJson, hostileString, fc.constantFrom(...pending.map((p) => p.reference))),
      status: fc.oneof(hostileJson, hostileString, fc.constantFrom('SUCCESSFUL\u0000', 'SUCCESS\ud800', 'S\u0301UCCESSFUL')),
      amount: hostileJson,
      callback_info: fc.oneof(hostileJson, hostileString, fc.constantFrom(...pending.map((p) => p.id))),
    },
    { requiredKeys: [] },
  );
  const huge = fc.integer({ min: 64 * 1024 + 1, max: 2 * 1024 * 1024 }).map((n) => `{"reference":"R1","pad":"${'x'.repeat(n)}"}`);
  const body = fc.oneof(
    wrongTypes.map((v) => JSON.stringify(v)),
    hostileJson.map((v) => JSON.stringify(v) ?? 'undefined'),
    deepJsonText,
    protoPoisonText,
    huge,
    fc.string({ maxLength: 300 }),
  );
  await fc.assert(
    fc.asyncProperty(body, fc.oneof(fc.constant('application/json'), contentType), async (text, type) => {
      const answer = await post(text, type);
      assertHandled(answer.status, answer.body, `webhook ${text.slice(0, 120)} (${type})`);
      if (text.length > 64 * 1024 && type === 'application/json') assert.equal(answer.status, 413);
    }),
    runs(RUNS),
  );
  const growth = heapUsedMb() - heapBefore;
  assert.ok(growth < 40, `heap grew by ${growth.toFixed(1)} MB over ${RUNS} hostile webhooks`);
});

test('every delivery with the right token is recorded, read or refused, whatever its text', async () => {
  const count = async () => Number((await t.database.db('webhook_deliveries').count<{ n: number }[]>('* as n'))[0]!.n);
  const before = await count();
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        reference: fc.oneof(hostileString, fc.constantFrom(...pending.map((p) => p.reference))),
        status: fc.option(hostileString, { nil: undefined }),
        callback_info: fc.option(hostileString, { nil: undefined }),
      }),
      async (payload) => {
        const text = JSON.stringify(payload);
        const answer = await post(text);
        // Over the body limit nothing is parsed, so there is nothing to record.
        if (Buffer.byteLength(text) > 64 * 1024) return assert.equal(answer.status, 413);
        sent++;
        assert.ok([200, 400].includes(answer.status), `${answer.status} ${answer.body.slice(0, 200)}`);
        if (answer.status === 400) assert.match(JSON.parse(answer.body).error.message, /^body\./);
      },
    ),
    runs(Math.ceil(RUNS / 2)),
  );
  assert.equal(await count(), before + sent, 'one delivery row per delivery');
  for (const p of pending) {
    const r = await call(t.url, 'GET', `/v1/payments/${p.id}`, { apiKey: t.apiKey });
    assert.equal(r.body.status, 'pending', 'hostile deliveries moved a payment');
  }
});

test('__proto__ and constructor keys are refused and pollute nothing', async () => {
  await fc.assert(
    fc.asyncProperty(protoPoisonText, async (text) => {
      const answer = await post(text);
      assert.equal(answer.status, 400, answer.body);
    }),
    runs(20),
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
});

test('a well-formed webhook that lies about the status moves nothing: FeexPay still says PENDING', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...pending),
      fc.oneof(fc.constantFrom('SUCCESSFUL', 'FAILED', 'CANCELLED', 'SUCCESS', 'successful', 'EXPIRED'), fc.string({ maxLength: 40 })),
      fc.option(fc.oneof(fc.integer(), fc.double({ noNaN: true })), { nil: undefined }),
      fc.boolean(),
      async (p, status, amount, byCallbackOnly) => {
        const payload = byCallbackOnly ? { reference: `UNKNOWN-${status.length}`, status, amount, callback_info: p.id } : { reference: p.reference, status, amount };
        const answer = await post(JSON.stringify(payload));
        assert.equal(answer.status, 200, answer.body);
      },
    ),
    runs(Math.ceil(RUNS / 2)),
  );
  for (const p of pending) {
    const r = await call(t.url, 'GET', `/v1/payments/${p.id}`, { apiKey: t.apiKey });
    assert.equal(r.body.status, 'pending', `payment ${p.id} moved on a webhook's word`);
  }
  const counters = await call(t.url, 'GET', '/_feexpay/_simulator/counters');
  assert.ok(counters.body.statusCalls > 0, 'the webhook asked FeexPay rather than believing the body');
});

test('a wrong or over-long token is a 404 or 414, whatever the body', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string({ minLength: 1, maxLength: 250 }).map(encodeURIComponent), fc.constant('a'.repeat(201))), async (token) => {
      if (token === TEST_ENV.WEBHOOK_TOKEN) return;
      const answer = await post(JSON.stringify({ reference: pending[0]!.reference, status: 'SUCCESSFUL' }), 'application/json', `/v1/webhooks/feexpay/${token}`);
      assert.ok([400, 404, 414].includes(answer.status), `token ${token.slice(0, 40)}: ${answer.status} ${answer.body.slice(0, 200)}`);
      assert.match(JSON.parse(answer.body).error.code, /^[a-z_]+$/);
    }),
    runs(50),
  );
});
