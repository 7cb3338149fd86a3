/**
 * Anything but a 2xx within the timeout is retried on the schedule (fast here: 1 s, 1 s), with
 * the same webhook-id, and every attempt is recorded, however the receiver misbehaves.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { createEndpoint, eventsOf, failedPayment, FAST_EVENTS_ENV } from './helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let t: TestApp;
let rx: Receiver;
before(async () => {
  rx = await startReceiver();
  t = await startTestApp('events-retries', FAST_EVENTS_ENV);
});
after(async () => {
  await t.close();
  await rx.close();
});

async function deliveryOf(paymentId: string, done: (d: any) => boolean, timeoutMs = 8_000) {
  const [event] = await waitFor(async () => {
    const e = await eventsOf(t, paymentId);
    return e.length > 0 && e;
  });
  return waitFor(async () => {
    const body = (await call(t.url, 'GET', `/v1/events/${event.id}`, { apiKey: t.apiKey })).body;
    return done(body.deliveries[0]) && body.deliveries[0];
  }, timeoutMs);
}

describe('retries', () => {
  test('a 500 then a 200: delivered on the second attempt, a schedule step later, same webhook-id', async () => {
    rx.behave('/flaky', { kind: 'status', status: 500 });
    const ep = await createEndpoint(t, `${rx.url}/flaky`);
    const p = await failedPayment(t);
    await waitFor(async () => rx.at('/flaky').length === 1);
    rx.behave('/flaky', { kind: 'status', status: 204 });
    const d = await deliveryOf(p.id, (x) => x.status === 'delivered');
    assert.deepEqual(
      d.attempts.map((a: any) => [a.attempt, a.outcome, a.response_status]),
      [
        [1, 'http_error', 500],
        [2, 'succeeded', 204],
      ],
    );
    assert.equal(d.attempts[0].response_body, 'answer 500');
    const [first, second] = rx.at('/flaky');
    assert.equal(first!.headers['webhook-id'], second!.headers['webhook-id']);
    assert.equal(first!.body, second!.body, 'the same payload on every attempt');
    assert.ok(second!.at - first!.at >= 900, `retried after the 1 s step, not at once (${second!.at - first!.at} ms)`);
    await call(t.url, 'DELETE', `/v1/webhook_endpoints/${ep.id}`, { apiKey: t.apiKey });
  });

  test('slow, never-answering and redirecting receivers: each attempt ends at the timeout or the answer, and is retried', async () => {
    rx.behave('/slow', { kind: 'status', status: 200, delayMs: 3_000 });
    rx.behave('/hang', { kind: 'hang' });
    rx.behave('/redirect', { kind: 'redirect', location: `${rx.url}/redirected` });
    rx.behave('/huge', { kind: 'huge', bytes: 50 * 1024 * 1024 });
    const eps = await Promise.all(['/slow', '/hang', '/redirect', '/huge'].map((path) => createEndpoint(t, rx.url + path)));
    const p = await failedPayment(t);
    const [event] = await waitFor(async () => (await eventsOf(t, p.id)).length > 0 && eventsOf(t, p.id));
    const detail = await waitFor(async () => {
      const body = (await call(t.url, 'GET', `/v1/events/${event.id}`, { apiKey: t.apiKey })).body;
      return body.deliveries.every((d: any) => d.status !== 'pending') && body;
    }, 15_000);
    const byEndpoint = new Map(detail.deliveries.map((d: any) => [d.endpoint_id, d]));
    const [slow, hang, redirect, huge] = eps.map((e) => byEndpoint.get(e.id) as any);
    for (const d of [slow, hang]) {
      assert.equal(d.status, 'failed');
      assert.deepEqual(
        d.attempts.map((a: any) => a.outcome),
        ['timeout', 'timeout', 'timeout'],
      );
      for (const a of d.attempts) assert.ok(a.duration_ms >= 990 && a.duration_ms < 2_000, `bounded by the 1 s timeout: ${a.duration_ms}`);
    }
    assert.equal(redirect.status, 'failed');
    assert.deepEqual(
      redirect.attempts.map((a: any) => a.response_status),
      [302, 302, 302],
    );
    assert.equal(rx.at('/redirected').length, 0, 'a redirect is never followed');
    assert.equal(huge.status, 'delivered');
    assert.ok(huge.attempts[0].duration_ms < 1_000, 'a huge body is not read to its end');
    assert.ok(huge.attempts[0].response_body.length <= 1024);
    for (const e of eps) await call(t.url, 'DELETE', `/v1/webhook_endpoints/${e.id}`, { apiKey: t.apiKey });
  });
});
