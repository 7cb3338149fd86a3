/**
 * The merchant API through the client generated from its own document (client/), over real
 * HTTP, on the test database, with the FeexPay simulator. Every answer is checked against the
 * document (test/helpers/api-client.ts): status documented, body matching, Request-Id present.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { operations } from '../../client/index.ts';
import { beninPhone, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { documentedClient, type DocumentedClient } from '../helpers/api-client.ts';
import { newKey } from '../helpers/http.ts';

type CreateBody = operations['createPayment']['requestBody']['content']['application/json'];

let t: TestApp;
let c: DocumentedClient;
before(async () => {
  t = await startTestApp('merchant-client');
  const doc = (await (await fetch(`${t.url}/docs/json`)).json()) as Record<string, unknown>;
  c = documentedClient(t.url, t.apiKey, doc);
});
after(async () => t.close());

const body = (serial: number, over: Partial<CreateBody> = {}): CreateBody => ({
  amount: 1500,
  currency: 'XOF',
  network: 'mtn',
  phone_number: beninPhone('00', serial),
  description: 'Order 42',
  ...over,
});

const create = (b: unknown, key: string = newKey()) => c.api.POST('/v1/payments', { params: { header: { 'idempotency-key': key } }, body: b as CreateBody });

describe('payments through the generated client', () => {
  test('create, replay, then read the payment until FeexPay settles it', async () => {
    const key = newKey();
    const first = await create(body(1), key);
    assert.equal(first.response.status, 201);
    assert.equal(first.data?.status, 'pending');
    assert.equal(first.response.headers.get('idempotent-replayed'), null);
    assert.ok(Number(first.response.headers.get('x-ratelimit-remaining')) >= 0, 'rate-limit headers as documented');

    const replay = await create(body(1), key);
    assert.equal(replay.response.status, 201);
    assert.equal(replay.response.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.data, first.data);

    const id = first.data!.id;
    const settled = await waitFor(async () => {
      const r = await c.api.GET('/v1/payments/{id}', { params: { path: { id } } });
      return r.data?.status === 'successful' && r.data;
    });
    assert.ok(settled.settled_at);
  });

  test('the same key with another body is 422 idempotency_key_reused', async () => {
    const key = newKey();
    await create(body(2), key);
    const other = await create(body(2, { amount: 1600 }), key);
    assert.equal(other.response.status, 422);
    assert.equal(other.error?.error.code, 'idempotency_key_reused');
  });

  test('a retry while the first is still with FeexPay is 409 with Retry-After', async () => {
    t.simulator.setDownMode('hang');
    try {
      const key = newKey('slow');
      const first = create(body(3), key);
      await new Promise((r) => setTimeout(r, 200));
      const retry = await create(body(3), key);
      assert.equal(retry.response.status, 409);
      assert.equal(retry.error?.error.code, 'idempotency_request_in_progress');
      assert.ok(Number(retry.response.headers.get('retry-after')) >= 1);
      t.simulator.setDownMode('off');
      assert.equal((await first).response.status, 201);
    } finally {
      t.simulator.setDownMode('off');
    }
  });
});

describe('errors a client can act on', () => {
  test('a body\'s "100" is refused (bodies are never coerced), naming the field', async () => {
    const res = await create({ ...body(4), amount: '100' });
    assert.equal(res.response.status, 400);
    const err = res.error!.error;
    assert.equal(err.code, 'validation_failed');
    assert.equal(err.param, 'body.amount');
    assert.equal(err.message, 'body.amount must be an integer');
  });

  test('every invalid field is reported at once, in words', async () => {
    const res = await create({ ...body(5), amount: 99, network: 'paypal', phone_number: '+229', surprise: 1 });
    assert.equal(res.response.status, 400);
    const err = res.error!.error;
    assert.deepEqual(err.errors?.map((e) => e.param).sort(), ['body.amount', 'body.network', 'body.phone_number', 'body.surprise']);
    const messages = Object.fromEntries(err.errors!.map((e) => [e.param, e.message]));
    assert.equal(messages['body.amount'], 'body.amount must be at least 100');
    assert.match(messages['body.network']!, /^body\.network must be one of: mtn, moov, /);
    assert.equal(messages['body.phone_number'], 'body.phone_number is not valid (Digits with country code, no +)');
    assert.equal(messages['body.surprise'], 'body.surprise is not a known field');
    assert.match(err.message, /and 3 more: see errors/);
    for (const m of Object.values(messages)) assert.doesNotMatch(m, /must match|\^|\$/, 'no raw Ajv text or regular expression');
  });

  test('a missing Idempotency-Key is idempotency_key_required on header.idempotency-key', async () => {
    const res = await c.api.POST('/v1/payments', { params: { header: {} as { 'idempotency-key': string } }, body: body(6) });
    assert.equal(res.response.status, 400);
    assert.equal(res.error?.error.code, 'idempotency_key_required');
    assert.equal(res.error?.error.param, 'header.idempotency-key');
  });

  test('request_id in the body is the Request-Id header', async () => {
    const res = await c.api.GET('/v1/payments/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } });
    assert.equal(res.response.status, 404);
    assert.equal(res.error?.error.code, 'payment_not_found');
    assert.match(res.error!.error.request_id!, /^[0-9a-f-]{36}$/);
    assert.equal(res.error!.error.request_id, res.response.headers.get('request-id'));
  });

  test('a path id that is not a UUID names path.id', async () => {
    const res = await c.api.GET('/v1/payments/{id}', { params: { path: { id: 'nope' } } });
    assert.equal(res.response.status, 400);
    assert.equal(res.error?.error.param, 'path.id');
    assert.equal(res.error?.error.message, 'path.id must be a UUID');
  });

  test('the Bearer scheme is case-insensitive; no key is 401', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const own = documentedClient(t.url, undefined, (await (await fetch(`${t.url}/docs/json`)).json()) as Record<string, unknown>);
      const res = await own.api.GET('/v1/payments', { headers: { authorization: `${scheme} ${t.apiKey}` } });
      assert.equal(res.response.status, 200, scheme);
    }
    const anonymous = documentedClient(t.url, undefined, (await (await fetch(`${t.url}/docs/json`)).json()) as Record<string, unknown>);
    const res = await anonymous.api.GET('/v1/payments');
    assert.equal(res.response.status, 401);
    assert.equal(res.error?.error.code, 'unauthorized');
  });

  test('a wrong method is 405 with Allow, an unknown path 404, both with Request-Id', async () => {
    const wrong = await fetch(`${t.url}/v1/payments`, { method: 'DELETE', headers: { authorization: `Bearer ${t.apiKey}` } });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET, HEAD, POST');
    const wrongBody = (await wrong.json()) as { error: { code: string; request_id: string } };
    assert.equal(wrongBody.error.code, 'method_not_allowed');
    assert.equal(wrongBody.error.request_id, wrong.headers.get('request-id'));
    const onId = await fetch(`${t.url}/v1/payments/00000000-0000-4000-8000-000000000000`, { method: 'PATCH' });
    assert.equal(onId.status, 405);
    assert.equal(onId.headers.get('allow'), 'GET, HEAD');
    const missing = await fetch(`${t.url}/v1/nothing-here`);
    assert.equal(missing.status, 404);
    assert.ok(missing.headers.get('request-id'));
  });
});

describe('listing with an integer limit', () => {
  test('limit=2 is read as the integer 2; next_cursor pages through without repeats', async () => {
    for (let i = 0; i < 3; i++) await create(body(10 + i, { network: 'moov', phone_number: beninPhone('04', 10 + i) }));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await c.api.GET('/v1/payments', { params: { query: { network: 'moov', limit: 2, ...(cursor ? { cursor } : {}) } } });
      assert.equal(res.response.status, 200);
      assert.ok(res.data!.data.length <= 2);
      seen.push(...res.data!.data.map((p) => p.id));
      if (!res.data!.next_cursor) break;
      cursor = res.data!.next_cursor;
    }
    assert.equal(seen.length, 3);
    assert.equal(new Set(seen).size, 3);
  });

  for (const limit of [0, 101, 'many']) {
    test(`limit=${limit} is refused on query.limit`, async () => {
      const res = await c.api.GET('/v1/payments', { params: { query: { limit: limit as number } } });
      assert.equal(res.response.status, 400);
      assert.equal(res.error?.error.param, 'query.limit');
    });
  }

  test('every answer the tests received was checked against the document', () => {
    const operations = new Set(c.checked.map((w) => w.split(' ').slice(0, 2).join(' ')));
    assert.deepEqual([...operations].sort(), ['GET /v1/payments', 'GET /v1/payments/{id}', 'POST /v1/payments']);
    assert.ok(c.checked.some((w) => w.endsWith(' 400')) && c.checked.some((w) => w.endsWith(' 201')));
  });
});
