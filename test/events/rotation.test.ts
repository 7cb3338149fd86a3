/**
 * Rotating a secret: during the overlap every delivery carries both signatures and a receiver
 * holding either secret verifies it (standardwebhooks); after it, the old secret no longer does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { createEndpoint, failedPayment, FAST_EVENTS_ENV } from './helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const OVERLAP_S = 2;
let t: TestApp;
let rx: Receiver;
before(async () => {
  rx = await startReceiver();
  t = await startTestApp('events-rotation', { ...FAST_EVENTS_ENV, MERCHANT_WEBHOOK_SECRET_OVERLAP_SECONDS: String(OVERLAP_S) });
});
after(async () => {
  await t.close();
  await rx.close();
});

async function nextDelivery(): Promise<{ body: string; headers: Record<string, string> }> {
  const seen = rx.at('/rotate').length;
  await failedPayment(t);
  return waitFor(async () => rx.at('/rotate')[seen]);
}

describe('secret rotation', () => {
  test('both secrets verify during the overlap, only the new one after it', async () => {
    const ep = await createEndpoint(t, `${rx.url}/rotate`);
    const oldSecret = ep.secret;
    const before = await nextDelivery();
    assert.equal(before.headers['webhook-signature']!.split(' ').length, 1);
    assert.ok(new Webhook(oldSecret).verify(before.body, before.headers));

    const rotated = await call(t.url, 'POST', `/v1/webhook_endpoints/${ep.id}/rotate_secret`, { apiKey: t.apiKey });
    const newSecret: string = rotated.body.secret;
    const rotatedAt = Date.now();
    const during = await nextDelivery();
    assert.equal(during.headers['webhook-signature']!.split(' ').length, 2);
    assert.ok(new Webhook(oldSecret).verify(during.body, during.headers), 'old secret still verifies');
    assert.ok(new Webhook(newSecret).verify(during.body, during.headers), 'new secret verifies');

    await new Promise((r) => setTimeout(r, Math.max(0, OVERLAP_S * 1000 + 200 - (Date.now() - rotatedAt))));
    const afterOverlap = await nextDelivery();
    assert.equal(afterOverlap.headers['webhook-signature']!.split(' ').length, 1);
    assert.ok(new Webhook(newSecret).verify(afterOverlap.body, afterOverlap.headers));
    assert.throws(() => new Webhook(oldSecret).verify(afterOverlap.body, afterOverlap.headers), /No matching signature/);
    // A tampered body fails with the current secret too: the signature covers the body.
    assert.throws(() => new Webhook(newSecret).verify(afterOverlap.body.replace('payment.failed', 'payment.succeeded'), afterOverlap.headers));
  });
});
