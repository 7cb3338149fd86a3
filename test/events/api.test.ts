/** The webhook endpoint and event API: shapes, merchant scoping, listing, redelivery and bad input. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { createEndpoint, failedPayment, FAST_EVENTS_ENV } from './helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let t: TestApp;
let rx: Receiver;
let otherKey: string;
before(async () => {
  rx = await startReceiver();
  t = await startTestApp('events-api', { ...FAST_EVENTS_ENV, MERCHANT_WEBHOOK_MAX_ENDPOINTS: '4' });
  otherKey = (await createMerchant(t.database.db, 'other merchant')).apiKey;
});
after(async () => {
  await t.close();
  await rx.close();
});

const api = (method: string, path: string, body?: unknown, apiKey = t.apiKey) => call(t.url, method, path, { apiKey, body });

describe('webhook endpoints', () => {
  test('create answers the contract shape with the secret, which no read shows again', async () => {
    const res = await api('POST', '/v1/webhook_endpoints', { url: `${rx.url}/crud`, description: 'orders' });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body).sort(), ['created_at', 'description', 'enabled_events', 'id', 'livemode', 'object', 'secret', 'status', 'url']);
    assert.equal(res.body.object, 'webhook_endpoint');
    assert.equal(res.body.status, 'enabled');
    assert.deepEqual(res.body.enabled_events, ['*']);
    assert.match(res.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const one = await api('GET', `/v1/webhook_endpoints/${res.body.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.secret, undefined);
    assert.deepEqual({ ...one.body }, (({ secret: _s, ...rest }) => rest)(res.body));
    const list = await api('GET', '/v1/webhook_endpoints');
    assert.equal(list.body.object, 'list');
    assert.ok(list.body.data.some((e: { id: string; secret?: string }) => e.id === res.body.id && e.secret === undefined));

    const rotated = await api('POST', `/v1/webhook_endpoints/${res.body.id}/rotate_secret`);
    assert.equal(rotated.status, 200);
    assert.match(rotated.body.secret, /^whsec_/);
    assert.notEqual(rotated.body.secret, res.body.secret);

    const del = await api('DELETE', `/v1/webhook_endpoints/${res.body.id}`);
    assert.deepEqual(del.body, { id: res.body.id, object: 'webhook_endpoint', deleted: true });
    assert.equal((await api('GET', `/v1/webhook_endpoints/${res.body.id}`)).status, 404);
    assert.equal((await api('DELETE', `/v1/webhook_endpoints/${res.body.id}`)).status, 404);
  });

  test("another merchant's endpoint is a 404 on every route", async () => {
    const ep = await createEndpoint(t, `${rx.url}/mine`);
    for (const [method, path] of [
      ['GET', `/v1/webhook_endpoints/${ep.id}`],
      ['DELETE', `/v1/webhook_endpoints/${ep.id}`],
      ['POST', `/v1/webhook_endpoints/${ep.id}/rotate_secret`],
    ] as const) {
      const res = await api(method, path, undefined, otherKey);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.error.code, 'webhook_endpoint_not_found');
    }
    const theirs = await api('GET', '/v1/webhook_endpoints', undefined, otherKey);
    assert.deepEqual(theirs.body.data, []);
    assert.equal((await api('GET', `/v1/webhook_endpoints/${ep.id}`)).status, 200, 'still there for its owner');
    await api('DELETE', `/v1/webhook_endpoints/${ep.id}`);
  });

  test('bad input is a 4xx naming the field', async () => {
    const cases: [unknown, number, string, RegExp][] = [
      [{ url: `${rx.url}/x`, enabled_events: ['payment.refunded'] }, 400, 'validation_failed', /enabled_events/],
      [{ url: `${rx.url}/x`, enabled_events: [] }, 400, 'validation_failed', /enabled_events/],
      [{ url: 'not a url' }, 400, 'invalid_url', /body\.url/],
      [{ url: 'ftp://example.com/hook' }, 400, 'invalid_url', /body\.url/],
      [{ url: 'http://user:pw@127.0.0.1/hook' }, 400, 'invalid_url', /credentials/],
      [{ url: `${rx.url}/x`, extra: 1 }, 400, 'validation_failed', /extra/],
      [{}, 400, 'validation_failed', /url/],
      [{ url: 'x'.repeat(3000) }, 400, 'validation_failed', /url/],
      // The URL parser would drop the NUL and encode the surrogate: the endpoint stored would differ from the one sent.
      [{ url: `${rx.url}/x\u0000` }, 400, 'invalid_url', /body\.url .*control character/],
      [{ url: `${rx.url}/x\ud800` }, 400, 'invalid_url', /body\.url .*surrogate/],
      [{ url: ` ${rx.url}/x` }, 400, 'invalid_url', /body\.url .*space/],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await api('POST', '/v1/webhook_endpoints', body);
      assert.equal(res.status, status, JSON.stringify(body).slice(0, 80));
      assert.equal(res.body.error.code, code);
      assert.match(res.body.error.message, message);
    }
    assert.equal((await api('GET', '/v1/webhook_endpoints/not-a-uuid')).status, 400);
    // Inputs an operation does not take are refused, not ignored.
    const listed = await api('GET', '/v1/webhook_endpoints?limit=2');
    assert.equal(listed.status, 400);
    assert.match(listed.body.error.message, /query\.limit/);
    const ep = await api('POST', '/v1/webhook_endpoints', { url: `${rx.url}/no-input` });
    const rotated = await api('POST', `/v1/webhook_endpoints/${ep.body.id}/rotate_secret`, { keep_old: false });
    assert.equal(rotated.status, 400);
    assert.equal(rotated.body.error.param, 'body.keep_old');
    assert.equal((await api('POST', `/v1/webhook_endpoints/${ep.body.id}/rotate_secret`, {})).status, 200, 'an empty object is no input');
    await api('DELETE', `/v1/webhook_endpoints/${ep.body.id}`);
    assert.equal((await call(t.url, 'GET', '/v1/webhook_endpoints')).status, 401);
  });

  test('a merchant has at most the configured number of endpoints', async () => {
    const created = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => api('POST', '/v1/webhook_endpoints', { url: `${rx.url}/limit${i}` })));
    assert.equal(created.filter((r) => r.status === 201).length, 4);
    const refused = created.filter((r) => r.status !== 201);
    assert.ok(refused.every((r) => r.status === 400 && r.body.error.code === 'too_many_endpoints' && /body\.url/.test(r.body.error.message)));
    for (const r of created.filter((c) => c.status === 201)) await api('DELETE', `/v1/webhook_endpoints/${r.body.id}`);
  });
});

describe('events', () => {
  test('listed newest first with a cursor and a type filter; another merchant sees none of them', async () => {
    const payments = [await failedPayment(t), await failedPayment(t), await failedPayment(t)];
    const all = await api('GET', '/v1/events?limit=2');
    assert.equal(all.status, 200);
    assert.equal(all.body.data.length, 2);
    assert.deepEqual(
      all.body.data.map((e: { data: { id: string } }) => e.data.id),
      [payments[2]!.id, payments[1]!.id],
    );
    assert.ok(all.body.next_cursor);
    const next = await api('GET', `/v1/events?limit=2&cursor=${all.body.next_cursor}`);
    assert.equal(next.body.data[0].data.id, payments[0]!.id);
    assert.equal((await api('GET', '/v1/events?type=payment.succeeded')).body.data.length, 0);
    assert.equal((await api('GET', '/v1/events?type=payment.failed')).body.data.length, 3);
    assert.equal((await api('GET', '/v1/events?type=payment.refunded')).status, 400);
    assert.equal((await api('GET', `/v1/events?cursor=${payments[0]!.id}`)).body.error.code, 'invalid_cursor');

    const id = all.body.data[0].id;
    assert.deepEqual((await api('GET', '/v1/events', undefined, otherKey)).body.data, []);
    assert.equal((await api('GET', `/v1/events/${id}`, undefined, otherKey)).status, 404);
    assert.equal((await api('POST', `/v1/events/${id}/redeliver`, undefined, otherKey)).body.error.code, 'event_not_found');
    const withInput = await api('POST', `/v1/events/${id}/redeliver`, { endpoint_id: 'x' });
    assert.equal(withInput.status, 400, 'redeliver takes no input: an option is refused, not ignored');
    assert.equal(withInput.body.error.param, 'body.endpoint_id');
  });

  test('an endpoint gets only the types it subscribed to; redeliver sends again, and reaches endpoints created since', async () => {
    const succeededOnly = await createEndpoint(t, `${rx.url}/succeeded-only`, { enabled_events: ['payment.succeeded'] });
    const p = await failedPayment(t);
    const late = await waitFor(async () => (await api('GET', '/v1/events?limit=1')).body.data.find((e: { data: { id: string } }) => e.data.id === p.id));
    assert.equal((await api('POST', `/v1/events/${late.id}/redeliver`)).body.error.code, 'no_endpoint');

    const ep = await createEndpoint(t, `${rx.url}/redeliver`);
    const res = await api('POST', `/v1/events/${late.id}/redeliver`);
    assert.equal(res.status, 202);
    assert.deepEqual(
      res.body.deliveries.map((d: { endpoint_id: string }) => d.endpoint_id),
      [ep.id],
    );
    await waitFor(async () => rx.at('/redeliver').length === 1);
    await waitFor(async () => (await api('GET', `/v1/events/${late.id}`)).body.deliveries[0].status === 'delivered');
    await api('POST', `/v1/events/${late.id}/redeliver`);
    await waitFor(async () => rx.at('/redeliver').length === 2);
    const [a, b] = rx.at('/redeliver');
    assert.equal(a!.headers['webhook-id'], b!.headers['webhook-id'], 'the same event id on a redelivery');
    const detail = await waitFor(async () => {
      const d = (await api('GET', `/v1/events/${late.id}`)).body;
      return d.deliveries[0].attempts.length === 2 && d;
    });
    assert.deepEqual(
      detail.deliveries[0].attempts.map((x: { attempt: number }) => x.attempt),
      [1, 2],
    );
    assert.equal(rx.at('/succeeded-only').length, 0);
    await api('DELETE', `/v1/webhook_endpoints/${ep.id}`);
    await api('DELETE', `/v1/webhook_endpoints/${succeededOnly.id}`);
  });
});

describe('the OpenAPI document', () => {
  test('is 3.1 with the endpoint and event routes and a webhooks entry for every event type', async () => {
    const doc = (await call(t.url, 'GET', '/docs/json')).body;
    assert.equal(doc.openapi, '3.1.0');
    for (const [path, methods] of Object.entries({
      '/v1/webhook_endpoints': ['get', 'post'],
      '/v1/webhook_endpoints/{id}': ['get', 'delete'],
      '/v1/webhook_endpoints/{id}/rotate_secret': ['post'],
      '/v1/events': ['get'],
      '/v1/events/{id}': ['get'],
      '/v1/events/{id}/redeliver': ['post'],
    })) {
      for (const m of methods) assert.ok(doc.paths[path]?.[m]?.responses, `${m} ${path}`);
    }
    assert.ok(doc.paths['/v1/webhook_endpoints'].post.requestBody.content['application/json'].schema.properties.enabled_events);
    const { EVENT_TYPES } = await import('../../src/events/event-types.ts');
    assert.deepEqual(Object.keys(doc.webhooks).sort(), [...EVENT_TYPES].sort());
    const hook = doc.webhooks['payment.succeeded'].post;
    assert.deepEqual(
      hook.parameters.map((p: { name: string }) => p.name),
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
    );
    const schema = hook.requestBody.content['application/json'].schema;
    assert.deepEqual(Object.keys(schema.properties).sort(), ['data', 'id', 'timestamp', 'type']);
    assert.equal(schema.properties.type.const, 'payment.succeeded');
    assert.ok(schema.properties.data.properties.amount);
  });
});
