/**
 * A transition becomes a signed delivery: real HTTP to a real receiver, verified with the
 * Standard Webhooks reference library as a merchant's code would; data equals GET /v1/payments/:id.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { createEndpoint, failedPayment, FAST_EVENTS_ENV } from './helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let t: TestApp;
let rx: Receiver;
before(async () => {
  rx = await startReceiver();
  t = await startTestApp('events-delivery', FAST_EVENTS_ENV);
});
after(async () => {
  await t.close();
  await rx.close();
});

describe('a payment transition is delivered signed', () => {
  test('the receiver verifies it with standardwebhooks and data is the payment as GET returns it', async () => {
    const ep = await createEndpoint(t, `${rx.url}/ok`);
    assert.match(ep.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    const p = await failedPayment(t);
    const got = await waitFor(async () => rx.at('/ok')[0]);
    const verified = new Webhook(ep.secret).verify(got.body, got.headers) as { id: string; type: string; timestamp: string; data: unknown };
    assert.equal(verified.type, 'payment.failed');
    assert.equal(got.headers['webhook-id'], verified.id);
    const payment = await call(t.url, 'GET', `/v1/payments/${p.id}`, { apiKey: t.apiKey });
    assert.deepEqual(verified.data, payment.body);
    assert.deepEqual(Object.keys(verified).sort(), ['data', 'id', 'timestamp', 'type']);

    const event = await waitFor(async () => {
      const r = await call(t.url, 'GET', `/v1/events/${verified.id}`, { apiKey: t.apiKey });
      return r.body.deliveries?.[0]?.status === 'delivered' && r;
    });
    assert.equal(event.status, 200);
    assert.deepEqual(event.body.data, payment.body);
    const [delivery] = event.body.deliveries;
    assert.equal(delivery.endpoint_id, ep.id);
    assert.equal(delivery.attempts.length, 1);
    assert.equal(delivery.attempts[0].outcome, 'succeeded');
    assert.equal(delivery.attempts[0].response_status, 200);
    assert.equal(delivery.attempts[0].response_body, 'answer 200');
    assert.equal(JSON.stringify(event.body).includes(ep.secret), false, 'no secret in the event');
  });
});
