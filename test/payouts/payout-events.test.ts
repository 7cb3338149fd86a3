/**
 * Payout events to merchants: payout.succeeded, payout.failed and payout.needs_review go out
 * through the outbox (signed per Standard Webhooks, verified here with its reference library),
 * once per transition, to the payout's mode only, with the payout as GET /v1/payouts/:id shows it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { waitFor } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { createEndpoint, failedPayment, FAST_EVENTS_ENV } from '../events/helpers.ts';
import { startReceiver, type Receiver } from '../events/receiver.ts';
import { payoutBody, postPayout, startPayoutApp, type PayoutTestApp } from './helpers.ts';

const ADMIN = { user: 'ops', password: 'correct horse battery staple' };
const asAdmin = { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` };
let t: PayoutTestApp;
let rx: Receiver;
let secret: string;

before(async () => {
  rx = await startReceiver();
  t = await startPayoutApp('payout-events', { ...FAST_EVENTS_ENV, ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password });
  secret = (await createEndpoint(t, `${rx.url}/all`, {}, t.payoutKey)).secret;
});
after(async () => {
  await t.close();
  await rx.close();
});

interface Delivered {
  id: string;
  type: string;
  data: Record<string, unknown> & { id: string };
}
const verified = (path: string): Delivered[] => rx.at(path).map((r) => new Webhook(secret).verify(r.body, r.headers) as Delivered);
const ofPayout = (path: string, id: string) => verified(path).filter((e) => e.data.id === id);
const read = async (id: string) => (await call(t.url, 'GET', `/v1/payouts/${id}`, { apiKey: t.payoutKey })).body;

test('a payout FeexPay confirms sends payout.succeeded once, its data the payout as GET shows it', async () => {
  const created = await postPayout(t, payoutBody('00', 60));
  assert.equal(created.body.status, 'pending');
  await waitFor(
    async () => {
      await t.app.payouts.reconciler.runOnce();
      return ofPayout('/all', created.body.id).length > 0;
    },
    10_000,
    100,
  );
  await t.app.payouts.reconciler.runOnce();
  await new Promise((r) => setTimeout(r, 300));
  const events = ofPayout('/all', created.body.id);
  assert.deepEqual(
    events.map((e) => e.type),
    ['payout.succeeded'],
    'one event for one transition',
  );
  assert.deepEqual(events[0]!.data, await read(created.body.id));
  assert.equal(events[0]!.data.object, 'payout');
  assert.equal(events[0]!.data.phone_last4, payoutBody('00', 60).phone_number.slice(-4));
  assert.ok(!rx.at('/all').some((r) => r.body.includes(payoutBody('00', 60).phone_number)), 'the full number never leaves');

  const listed = await call(t.url, 'GET', '/v1/events?type=payout.succeeded', { apiKey: t.payoutKey });
  assert.equal(listed.status, 200);
  assert.deepEqual(
    listed.body.data.map((e: Delivered) => e.data.id),
    [created.body.id],
  );
  const detail = await call(t.url, 'GET', `/v1/events/${events[0]!.id}`, { apiKey: t.payoutKey });
  assert.equal(detail.body.data.object, 'payout');
  assert.equal(detail.body.deliveries[0].status, 'delivered');
});

test('a payout FeexPay refuses sends payout.failed with its reason; an unknown outcome sends payout.needs_review, then the decision', async () => {
  const refused = await postPayout(t, payoutBody('03', 61));
  assert.equal(refused.body.status, 'failed');
  const unknown = await postPayout(t, payoutBody('06', 61));
  assert.equal(unknown.body.status, 'needs_review');
  await waitFor(async () => ofPayout('/all', refused.body.id).length === 1 && ofPayout('/all', unknown.body.id).length === 1, 10_000);
  const failed = ofPayout('/all', refused.body.id)[0]!;
  assert.equal(failed.type, 'payout.failed');
  assert.equal(failed.data.failure_reason, refused.body.failure_reason);
  assert.equal(ofPayout('/all', unknown.body.id)[0]!.type, 'payout.needs_review');

  const decision = { status: 'successful', operator: 'ops-anna', reason: 'FeexPay support: delivered' };
  const decided = await call(t.url, 'POST', `/admin/api/payouts/${unknown.body.id}/decision`, { headers: asAdmin, body: decision });
  assert.equal(decided.status, 200);
  await waitFor(async () => ofPayout('/all', unknown.body.id).length === 2, 10_000);
  const after = ofPayout('/all', unknown.body.id);
  assert.deepEqual(
    after.map((e) => e.type),
    ['payout.needs_review', 'payout.succeeded'],
  );
  assert.equal(after[1]!.data.status, 'successful');
  assert.ok(!rx.at('/all').some((r) => r.body.includes('ops-anna')), "the operator's name is not sent to merchants");
});

test('endpoints receive only the payout types they subscribe to, in the payout mode only; payment endpoints see no payout', async () => {
  const payoutsOnly = await createEndpoint(t, `${rx.url}/payout-failed`, { enabled_events: ['payout.failed'] }, t.payoutKey);
  const paymentsOnly = await createEndpoint(t, `${rx.url}/payments`, { enabled_events: ['payment.failed', 'payment.succeeded'] }, t.payoutKey);
  assert.ok(payoutsOnly.id && paymentsOnly.id);
  const m = await createMerchant(t.database.db, 'payout events test mode', ['payments', 'payouts']);
  const testEndpoint = await createEndpoint(t, `${rx.url}/test-mode`, {}, m.testApiKey);
  assert.ok(testEndpoint.id);

  const refused = await postPayout(t, payoutBody('03', 62));
  const review = await postPayout(t, payoutBody('06', 62));
  const testRefused = await postPayout(t, payoutBody('03', 63), undefined, m.testApiKey);
  assert.equal(testRefused.body.livemode, false);
  await waitFor(async () => rx.at('/payout-failed').length >= 1 && rx.at('/test-mode').length >= 1, 10_000);
  await new Promise((r) => setTimeout(r, 500));
  const types = (path: string) =>
    rx
      .at(path)
      .map((r) => JSON.parse(r.body) as Delivered)
      .map((e) => `${e.type} ${e.data.id}`);
  assert.deepEqual(types('/payout-failed'), [`payout.failed ${refused.body.id}`], 'payout.needs_review is not subscribed');
  assert.deepEqual(types('/payments'), []);
  assert.deepEqual(types('/test-mode'), [`payout.failed ${testRefused.body.id}`]);
  assert.ok(!rx.at('/all').some((r) => r.body.includes(testRefused.body.id)), 'a test payout never reaches a live endpoint');
  assert.ok(review.body.id);
});

test('a rolled-back status change leaves no event; the database refuses an event with two subjects', async () => {
  const created = await postPayout(t, payoutBody('04', 64));
  const db = t.database.db;
  await assert.rejects(
    db.transaction(async (trx) => {
      await trx('payouts').where({ id: created.body.id }).update({ status: 'failed', failure_reason: 'declined' });
      throw new Error('rolled back');
    }),
    /rolled back/,
  );
  assert.equal((await db('events').where({ payout_id: created.body.id })).length, 0);
  const payment = await failedPayment(t, t.payoutKey);
  await assert.rejects(
    db('events').insert({ id: crypto.randomUUID(), merchant_id: t.payoutMerchantId, type: 'payout.failed', payment_id: payment.id, payout_id: created.body.id, snapshot: {} }),
    /events_one_subject/,
  );
});
