/**
 * After the last attempt a delivery is failed; an endpoint whose every attempt failed for longer
 * than the limit (1 s here, days in production) is disabled, its pending events failed, and the
 * operators told (a Slack stand-in speaking the incoming-webhook protocol).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { startHttp, type HttpStandIn } from '../operators/stand-ins.ts';
import { createEndpoint, eventsOf, failedPayment, FAST_EVENTS_ENV } from './helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let t: TestApp;
let rx: Receiver;
let slack: HttpStandIn;
before(async () => {
  rx = await startReceiver();
  slack = await startHttp();
  t = await startTestApp('events-disable', { ...FAST_EVENTS_ENV, MERCHANT_WEBHOOK_DISABLE_AFTER_SECONDS: '1', SLACK_WEBHOOK_URL: slack.url + '/slack' });
});
after(async () => {
  await t.close();
  await rx.close();
  await slack.close();
});

describe('an endpoint that keeps failing', () => {
  test('after the last attempt the delivery is failed; an endpoint failing past the limit is disabled and operators are told', async () => {
    rx.behave('/down', { kind: 'status', status: 503 });
    const ep = await createEndpoint(t, `${rx.url}/down`);
    const p = await failedPayment(t);
    const [event] = await waitFor(async () => (await eventsOf(t, p.id)).length > 0 && eventsOf(t, p.id));
    const d = await waitFor(async () => {
      const body = (await call(t.url, 'GET', `/v1/events/${event.id}`, { apiKey: t.apiKey })).body;
      return body.deliveries[0].status === 'failed' && body.deliveries[0];
    }, 8_000);
    // Attempts at 0 s and 1 s: the second finds the endpoint failing past the 1 s limit.
    assert.deepEqual(
      d.attempts.map((a: any) => a.outcome),
      ['http_error', 'http_error'],
    );
    assert.equal(d.next_attempt_at, null);
    const endpoint = await waitFor(async () => {
      const r = (await call(t.url, 'GET', `/v1/webhook_endpoints/${ep.id}`, { apiKey: t.apiKey })).body;
      return r.status === 'disabled' && r;
    });
    assert.equal(endpoint.status, 'disabled');
    await waitFor(async () => slack.requests.some((r) => r.body.includes('Merchant webhook endpoint disabled') && r.body.includes(ep.id)));
    // A disabled endpoint receives nothing new.
    const before = rx.at('/down').length;
    await failedPayment(t);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rx.at('/down').length, before);
    await t.app.merchantEvents.worker.refreshGauges();
    const metrics = await t.app.metricsRegistry.metrics();
    assert.match(metrics, /feexpay_merchant_webhook_endpoints\{state="disabled"\} 1/);
    assert.match(metrics, /feexpay_merchant_event_attempts_total\{outcome="http_error"\} \d+/);
  });
});
