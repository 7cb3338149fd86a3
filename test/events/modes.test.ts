/** Live and test mode: a key's endpoints receive only its mode's events, and see only its mode's objects. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { createEndpoint, eventsOf, failedPayment, FAST_EVENTS_ENV } from './helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let t: TestApp;
let rx: Receiver;
let keys: { live: string; test: string };
before(async () => {
  rx = await startReceiver();
  t = await startTestApp('events-modes', FAST_EVENTS_ENV);
  const m = await createMerchant(t.database.db, 'two modes');
  keys = { live: m.apiKey, test: m.testApiKey };
});
after(async () => {
  await t.close();
  await rx.close();
});

describe('modes', () => {
  test('each mode has its own endpoints and events', async () => {
    const live = await createEndpoint(t, `${rx.url}/live`, {}, keys.live);
    const testEp = await createEndpoint(t, `${rx.url}/test`, {}, keys.test);
    const ids = (key: string) => call(t.url, 'GET', '/v1/webhook_endpoints', { apiKey: key }).then((r) => r.body.data.map((e: { id: string }) => e.id));
    assert.deepEqual(await ids(keys.live), [live.id]);
    assert.deepEqual(await ids(keys.test), [testEp.id]);
    assert.equal((await call(t.url, 'GET', `/v1/webhook_endpoints/${live.id}`, { apiKey: keys.test })).status, 404);

    const testPayment = await failedPayment(t, keys.test);
    const livePayment = await failedPayment(t, keys.live);
    await waitFor(async () => rx.at('/live').length === 1 && rx.at('/test').length === 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(JSON.parse(rx.at('/test')[0]!.body).data.id, testPayment.id);
    assert.equal(JSON.parse(rx.at('/live')[0]!.body).data.id, livePayment.id);
    assert.equal(rx.received.length, 2, 'no event crossed modes');

    const [liveEvent] = await eventsOf(t, livePayment.id);
    const listed = await call(t.url, 'GET', '/v1/events', { apiKey: keys.test });
    assert.deepEqual(
      listed.body.data.map((e: { data: { id: string } }) => e.data.id),
      [testPayment.id],
    );
    assert.equal((await call(t.url, 'GET', `/v1/events/${liveEvent.id}`, { apiKey: keys.test })).status, 404);
    assert.equal((await call(t.url, 'POST', `/v1/events/${liveEvent.id}/redeliver`, { apiKey: keys.test })).status, 404);
    await call(t.url, 'POST', `/v1/events/${liveEvent.id}/redeliver`, { apiKey: keys.live });
    await waitFor(async () => rx.at('/live').length === 2);
    assert.equal(rx.at('/test').length, 1, 'a live redelivery reaches live endpoints only');
  });
});
