/**
 * Payment truth: the service never records an outcome FeexPay did not state. Each of the four ways
 * found to misrecord money, through real HTTP and a stand-alone simulator over HTTP: a lost
 * request-to-pay answer, a forged pairing, an amount mismatch, a late success. Then what
 * operators do about them through the admin API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { beninPhone, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { ADMIN, asAdmin, pastDeadline, reviewItems, scrape } from './payment-truth-helpers.ts';

let sim: RunningSimulator;
let t: TestApp;
let webhookUrl: string;

before(async () => {
  // Request-to-pay answers after 2.5 s for scenario 05; the service gives up after 1 s.
  sim = await startSimulator({ settleDelayMs: 50, slowResponseMs: 2_500, webhookRetryIntervalMs: 50 });
  t = await startTestApp(
    'payment-truth',
    { FEEXPAY_REQUEST_TIMEOUT_MS: '1000', PAYMENT_DEADLINE_MS: '60000', RECONCILE_AFTER_MS: '0', ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password },
    undefined,
    sim,
  );
  webhookUrl = `${t.url}/v1/webhooks/feexpay/${t.config.webhookToken}`;
});
after(async () => {
  await t.close();
  await sim.close();
});

const create = async (outcome: string, serial: number, amount = 1000) => {
  const res = await call(t.url, 'POST', '/v1/payments', {
    body: { amount, currency: 'XOF', network: 'mtn', phone_number: beninPhone(outcome, serial) },
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey() },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; feexpay_reference: string | null; status: string };
};
const row = (id: string) => t.database.db('payments').where({ id }).first();
const get = async (id: string) => (await call(t.url, 'GET', `/v1/payments/${id}`, { apiKey: t.apiKey })).body;
const hook = (body: unknown) => call(t.url, 'POST', `/v1/webhooks/feexpay/${t.config.webhookToken}`, { body });
const simOf = (paymentId: string) => sim.byCallbackInfo(paymentId).payments;
const settledAtSim = (paymentId: string) => waitFor(async () => simOf(paymentId).find((p) => p.status !== 'PENDING'));
const admin = (method: string, path: string, body?: unknown) => call(t.url, method, `/admin/api${path}`, { body, headers: asAdmin });

describe('1. a lost request-to-pay answer and no webhook: review, never expired', () => {
  test('the payment goes to needs_review at the deadline while FeexPay holds it SUCCESSFUL; an operator attaches the reference', async () => {
    sim.setWebhookUrl(undefined);
    const p = await create('05', 1);
    assert.equal(p.status, 'pending');
    assert.equal(p.feexpay_reference, null, 'the answer was lost: no reference');
    const atSim = await settledAtSim(p.id);
    assert.equal(atSim.status, 'SUCCESSFUL');

    await pastDeadline(t, p.id);
    await t.app.reconciler.runOnce();
    assert.equal((await row(p.id)).status, 'needs_review', 'never expired while FeexPay says SUCCESSFUL');
    assert.equal((await get(p.id)).status, 'needs_review', 'the merchant sees needs_review');
    const [item] = await reviewItems(t, p.id);
    assert.equal(item.cause, 'no_reference');
    assert.equal(item.resolved_at, null);
    const toReview = await t.database.db('payment_events').where({ payment_id: p.id, to_status: 'needs_review' }).first();
    assert.equal(toReview.source, 'reconciler');
    assert.equal(toReview.detail.review_cause, 'no_reference');

    await t.app.reconciler.refreshGauges();
    const metrics = await scrape(t);
    assert.match(metrics, /feexpay_review_items_open\{cause="no_reference"\} 1\b/);
    assert.match(metrics, /feexpay_payments_review_entered_total\{network="mtn",cause="no_reference"\} 1\b/);

    // The operator lists it, finds the reference in FeexPay's dashboard and attaches it.
    const listed = await admin('GET', '/review-items?cause=no_reference');
    assert.equal(listed.status, 200);
    const entry = listed.body.data.find((i: { payment: { id: string } | null }) => i.payment?.id === p.id);
    assert.ok(entry, 'listed for operators');
    assert.equal(entry.payment.phone_last4, beninPhone('05', 1).slice(-4));
    assert.ok(!JSON.stringify(listed.body).includes(beninPhone('05', 1)), 'no full phone number in the admin answer');

    const wrong = await admin('POST', `/payments/${p.id}/reference`, { reference: '00000000-0000-4000-8000-000000000000', operator: 'Awa' });
    assert.equal(wrong.status, 409);
    assert.equal(wrong.body.error.code, 'feexpay_unknown_reference');
    const attached = await admin('POST', `/payments/${p.id}/reference`, { reference: atSim.reference, operator: 'Awa' });
    assert.equal(attached.status, 200, JSON.stringify(attached.body));
    assert.equal(attached.body.result, 'settled');
    const settled = await row(p.id);
    assert.equal(settled.status, 'successful');
    assert.equal(settled.feexpay_reference, atSim.reference);
    const [resolved] = await reviewItems(t, p.id);
    assert.equal(resolved.resolved_by, 'Awa');
    assert.equal(resolved.resolution, 'successful');
    const decision = await t.database.db('payment_events').where({ payment_id: p.id, to_status: 'successful' }).first();
    assert.equal(decision.source, 'operator');
    assert.equal(decision.detail.operator, 'Awa');
  });

  test('a webhook that arrives later settles the payment under review once FeexPay confirms and it pairs', async () => {
    sim.setWebhookUrl(undefined);
    const p = await create('05', 2);
    const atSim = await settledAtSim(p.id);
    await pastDeadline(t, p.id);
    await t.app.reconciler.runOnce();
    assert.equal((await row(p.id)).status, 'needs_review');

    sim.setWebhookUrl(webhookUrl);
    assert.ok(sim.resendWebhook(atSim.reference));
    await waitFor(async () => (await row(p.id)).status === 'successful');
    const [item] = await reviewItems(t, p.id);
    assert.equal(item.resolved_by, 'feexpay');
    const delivery = await t.database.db('webhook_deliveries').where({ reference: atSim.reference }).first();
    assert.equal(delivery.result, 'processed');
  });

  test('FeexPay refusing outright (200 with FAILED) is failed, not reviewed', async () => {
    const p = await create('03', 3);
    assert.equal(p.status, 'failed');
    assert.deepEqual(await reviewItems(t, p.id), []);
  });
});

describe('2. forged pairing: a webhook never attaches a reference FeexPay ties to another payment', () => {
  test("Y named in callback_info with X's real reference: nothing changes, the delivery is pairing_mismatch; X settles on its own webhook", async () => {
    sim.setWebhookUrl(undefined);
    // Same customer, same amount: only FeexPay's echo of our id tells the two apart.
    const [x, y] = await Promise.all([create('05', 4), create('05', 4)]);
    const xAtSim = await settledAtSim(x.id);
    await settledAtSim(y.id);

    const forged = await hook({ reference: xAtSim.reference, callback_info: y.id, status: 'SUCCESSFUL', amount: 1000 });
    assert.equal(forged.status, 200);
    assert.equal(forged.body.result, 'pairing_mismatch');
    const yRow = await row(y.id);
    assert.equal(yRow.status, 'pending');
    assert.equal(yRow.feexpay_reference, null);
    assert.match(await scrape(t), /feexpay_webhook_deliveries_total\{result="pairing_mismatch"\} 1\b/);

    const genuine = await hook({ reference: xAtSim.reference, callback_info: x.id, status: 'SUCCESSFUL', amount: 1000 });
    assert.equal(genuine.body.result, 'processed');
    assert.equal((await row(x.id)).status, 'successful');
    assert.equal((await row(x.id)).feexpay_reference, xAtSim.reference);
  });

  test("another amount is refused the same way, even without our id in FeexPay's answer", async () => {
    sim.setWebhookUrl(undefined);
    const [x, y] = await Promise.all([create('05', 5, 1500), create('05', 6, 2500)]);
    const xAtSim = await settledAtSim(x.id);
    const forged = await hook({ reference: xAtSim.reference, callback_info: y.id, status: 'SUCCESSFUL' });
    assert.equal(forged.body.result, 'pairing_mismatch');
    assert.equal((await row(y.id)).status, 'pending');
  });

  test('a webhook FeexPay does not confirm is counted unconfirmed, not processed', async () => {
    const p = await create('04', 7);
    const res = await hook({ reference: p.feexpay_reference, status: 'SUCCESSFUL', amount: 1000 });
    assert.equal(res.body.result, 'unconfirmed');
    assert.equal((await row(p.id)).status, 'pending');
  });
});

describe('3. an amount mismatch goes to review once, and the reconciler stops asking', () => {
  test("FeexPay reports SUCCESSFUL with another amount: needs_review with FeexPay's answer, no loop", async () => {
    sim.setWebhookUrl(webhookUrl);
    const p = await create('90', 8);
    await waitFor(async () => (await row(p.id)).status === 'needs_review');
    const [item] = await reviewItems(t, p.id);
    assert.equal(item.cause, 'amount_mismatch');
    assert.equal(item.feexpay_answer.amount, 1001);
    assert.equal(item.feexpay_answer.phoneNumber, `***${beninPhone('90', 8).slice(-4)}`, 'the stored answer keeps only the last 4 digits');

    await pastDeadline(t, p.id);
    const ref = (await row(p.id)).feexpay_reference;
    const calls = sim.payment(ref)!.statusCalls;
    for (let i = 0; i < 3; i++) await t.app.reconciler.runOnce();
    assert.equal(sim.payment(ref)!.statusCalls, calls, 'no more status calls for a payment under review');
    assert.equal((await reviewItems(t, p.id)).length, 1, 'one item, not one per pass');
    assert.equal((await row(p.id)).status, 'needs_review');
  });
});

describe('4. a late success is never dropped', () => {
  test('SUCCESSFUL after expiry opens a money-at-risk item; the payment stays expired; an operator resolves it with an audit row', async () => {
    sim.setWebhookUrl(webhookUrl);
    const p = await create('91', 9);
    await pastDeadline(t, p.id);
    await t.app.reconciler.runOnce();
    assert.equal((await row(p.id)).status, 'expired', 'FeexPay still said pending at the final check');

    await waitFor(async () => (await reviewItems(t, p.id)).length === 1, 8_000);
    const [item] = await reviewItems(t, p.id);
    assert.equal(item.cause, 'late_success');
    assert.equal((await row(p.id)).status, 'expired');
    await t.app.reconciler.refreshGauges();
    assert.match(await scrape(t), /feexpay_review_items_open\{cause="late_success"\} 1\b/);

    const onPayment = await admin('POST', `/review-items/${item.id}/resolution`, { resolution: 'refunded', note: 'refunded through FeexPay support', operator: 'Kofi' });
    assert.equal(onPayment.status, 200, JSON.stringify(onPayment.body));
    assert.equal(onPayment.body.resolved_by, 'Kofi');
    const audit = await t.database.db('payment_events').where({ payment_id: p.id, source: 'operator' }).first();
    assert.equal(audit.detail.resolution, 'refunded');
    assert.equal(audit.detail.operator, 'Kofi');

    // FeexPay re-sending the same news later adds nothing.
    const ref = (await row(p.id)).feexpay_reference;
    assert.ok(sim.resendWebhook(ref));
    await waitFor(async () => (await t.database.db('webhook_deliveries').where({ reference: ref })).length >= 2);
    assert.equal((await reviewItems(t, p.id)).length, 1);
    const again = await admin('POST', `/review-items/${item.id}/resolution`, { resolution: 'refunded', note: 'twice', operator: 'Kofi' });
    assert.equal(again.status, 409);
  });

  test("a late success whose webhook never arrives is found by the reconciler's late look", async () => {
    sim.setWebhookUrl(undefined);
    const p = await create('04', 15);
    await pastDeadline(t, p.id);
    await t.app.reconciler.runOnce();
    const expired = await row(p.id);
    assert.equal(expired.status, 'expired');
    assert.ok(expired.late_check_at, 'a late look is scheduled');
    sim.forceStatus(p.feexpay_reference!, 'SUCCESSFUL', '', { webhook: false });
    await t.database
      .db('payments')
      .where({ id: p.id })
      .update({ late_check_at: new Date(Date.now() - 1000) });
    await t.app.reconciler.runOnce();
    assert.deepEqual(
      (await reviewItems(t, p.id)).map((i) => i.cause),
      ['late_success'],
    );
    assert.equal((await row(p.id)).status, 'expired');
  });

  test('a FeexPay status for a reference no payment holds, with our id, is a review item too', async () => {
    const z = await create('04', 10);
    // A second collection FeexPay holds for the same payment (same id, phone and amount).
    const res = await fetch(`${sim.url}/api/transactions/public/requesttopay/mtn`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: beninPhone('04', 10), amount: 1000, shop: 'simshop00000001', callback_info: z.id }),
    });
    const second = (await res.json()) as { reference: string };
    sim.forceStatus(second.reference, 'SUCCESSFUL', '', { webhook: false });
    const delivered = await hook({ reference: second.reference, callback_info: z.id, status: 'SUCCESSFUL' });
    assert.equal(delivered.body.result, 'review');
    const [item] = await reviewItems(t, z.id);
    assert.equal(item.cause, 'unknown_payment');
    assert.equal(item.feexpay_reference, second.reference);
  });
});

describe('operators decide in bulk after an outage', () => {
  test('a filter selects the payments under review; each decision gets its own audit row naming the operator', async () => {
    const ps = await Promise.all([create('06', 11), create('06', 12), create('06', 13)]);
    for (const p of ps) await pastDeadline(t, p.id);
    await t.app.reconciler.runOnce();
    for (const p of ps) assert.equal((await row(p.id)).status, 'needs_review');
    const ids = ps.map((p) => p.id);

    const dry = await admin('POST', '/payments/decisions', {
      status: 'failed',
      reason: 'FeexPay confirmed none reached it',
      operator: 'Awa',
      filter: { payment_ids: ids, cause: 'no_reference' },
      dry_run: true,
    });
    assert.equal(dry.status, 200);
    assert.deepEqual([dry.body.matched, dry.body.decided], [3, 0]);
    for (const p of ps) assert.equal((await row(p.id)).status, 'needs_review', 'a dry run changes nothing');

    const done = await admin('POST', '/payments/decisions', { status: 'failed', reason: 'FeexPay confirmed none reached it', operator: 'Awa', filter: { payment_ids: ids } });
    assert.equal(done.body.decided, 3);
    for (const p of ps) {
      const r = await row(p.id);
      assert.equal(r.status, 'failed');
      assert.equal(r.failure_reason, 'operator_decision');
      const e = await t.database.db('payment_events').where({ payment_id: p.id, to_status: 'failed' }).first();
      assert.deepEqual([e.source, e.detail.operator, e.detail.reason], ['operator', 'Awa', 'FeexPay confirmed none reached it']);
      assert.equal((await reviewItems(t, p.id))[0].resolved_by, 'Awa');
    }
    const late = await admin('POST', `/payments/${ps[0]!.id}/decision`, { status: 'successful', reason: 'changed my mind', operator: 'Awa' });
    assert.equal(late.status, 409, 'a decided payment is final');
    const bad = await admin('POST', `/payments/${ps[0]!.id}/decision`, { status: 'expired', reason: 'nope', operator: 'Awa' });
    assert.equal(bad.status, 400);
  });
});

describe('the database enforces the review states', () => {
  test('needs_review may only become successful or failed; review items are never deleted and resolved ones never change', async () => {
    const db = t.database.db;
    const p = await create('06', 14);
    await pastDeadline(t, p.id);
    await t.app.reconciler.runOnce();
    await assert.rejects(db('payments').where({ id: p.id }).update({ status: 'expired' }), /cannot become/);
    await assert.rejects(db('payments').where({ id: p.id }).update({ status: 'pending' }), /cannot become/);
    await assert.rejects(db('payments').where({ id: p.id }).update({ phone_number: '2290100000000' }), /immutable/);
    const [item] = await reviewItems(t, p.id);
    await assert.rejects(db('review_items').where({ id: item.id }).del(), /append-only/);
    await assert.rejects(db('review_items').where({ id: item.id }).update({ cause: 'late_success' }), /immutable/);
    await db('payments')
      .where({ id: p.id })
      .update({ status: 'successful', status_source: 'operator', transition_detail: JSON.stringify({ operator: 'db test', reason: 'test' }) });
    const [closed] = await reviewItems(t, p.id);
    assert.equal(closed.resolved_by, 'db test', 'settling closes the items in the same statement');
    await assert.rejects(db('review_items').where({ id: item.id }).update({ resolution_note: 'edited' }), /resolved/);
  });
});
