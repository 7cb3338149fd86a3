/** The webhook and the reconciler: untrusted callbacks, duplicates, lost callbacks, expiry, terminal states. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { beninPhone, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

let t: TestApp;
before(async () => {
  // Reconciler off (driven by hand); first check at once, deadline short.
  t = await startTestApp('webhook-reconciler', { RECONCILE_AFTER_MS: '0', PAYMENT_DEADLINE_MS: '1500' });
});
after(async () => t.close());

const create = async (outcome: string, serial: number) => {
  const res = await call(t.url, 'POST', '/v1/payments', {
    body: { amount: 1000, currency: 'XOF', network: 'mtn', phone_number: beninPhone(outcome, serial) },
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey() },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; feexpay_reference: string | null; status: string };
};
const row = (id: string) => t.database.db('payments').where({ id }).first();
const events = (id: string) => t.database.db('payment_events').where({ payment_id: id }).orderBy('id');
const hook = (body: unknown, token = t.config.webhookToken) => call(t.url, 'POST', `/v1/webhooks/feexpay/${token}`, { body });

describe('webhook', () => {
  test('delivered 3 times, the payment moves once', async () => {
    const p = await create('09', 1);
    await waitFor(async () => (await row(p.id)).status === 'successful');
    await waitFor(async () => {
      const d = await t.database.db('webhook_deliveries').where({ payment_id: p.id });
      return d.length === 3;
    });
    const results = (await t.database.db('webhook_deliveries').where({ payment_id: p.id })).map((d) => d.result).sort();
    assert.deepEqual(results, ['duplicate', 'duplicate', 'processed']);
    assert.equal((await events(p.id)).length, 2);
  });

  test('a forged success is not trusted: FeexPay says pending, the payment stays pending', async () => {
    const p = await create('04', 2);
    const res = await hook({ reference: p.feexpay_reference, status: 'SUCCESSFUL', amount: 1000 });
    assert.equal(res.status, 200);
    assert.equal((await row(p.id)).status, 'pending');
    // FeexPay's own JSON is read as JSON.parse reads it: a fractional amount is no reason to refuse it.
    const fractional = await call(t.url, 'POST', `/v1/webhooks/feexpay/${t.config.webhookToken}`, {
      rawBody: JSON.stringify({ reference: p.feexpay_reference, status: 'SUCCESSFUL' }).replace('}', ',"amount":1000.50}'),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(fractional.status, 200, JSON.stringify(fractional.body));
  });

  test('unknown reference is recorded and answered 200', async () => {
    const res = await hook({ reference: '11111111-2222-3333-4444-555555555555', status: 'SUCCESSFUL' });
    assert.equal(res.status, 200);
    assert.equal(res.body.result, 'unknown_reference');
    const d = await t.database.db('webhook_deliveries').where({ reference: '11111111-2222-3333-4444-555555555555' });
    assert.equal(d.length, 1);
  });

  test('a wrong token is 404 and changes nothing; a malformed body is 400', async () => {
    const bad = await hook({ reference: 'abc', status: 'SUCCESSFUL' }, 'wrong-token-000000000000');
    assert.equal(bad.status, 404);
    const malformed = await hook({ status: 'SUCCESSFUL', reference: { $gt: '' } });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'validation_failed');
  });

  test('a late re-send after settlement is a no-op', async () => {
    const p = await create('00', 3);
    await waitFor(async () => (await row(p.id)).status === 'successful');
    const res = await hook({ reference: p.feexpay_reference, status: 'FAILED' });
    assert.equal(res.body.result, 'duplicate');
    assert.equal((await row(p.id)).status, 'successful');
  });
});

describe('reconciler', () => {
  test('settles a payment whose callback never came', async () => {
    const p = await create('08', 4);
    await waitFor(async () => t.simulator.payment(p.feexpay_reference!)?.status === 'SUCCESSFUL');
    assert.equal((await row(p.id)).status, 'pending');
    await t.app.reconciler.runOnce();
    const settled = await row(p.id);
    assert.equal(settled.status, 'successful');
    assert.equal(settled.status_source, 'reconciler');
  });

  test('retries a status endpoint that answers 500, then settles', async () => {
    const p = await create('11', 5);
    await waitFor(
      async () => {
        await t.database.db('payments').where({ id: p.id }).update({ next_check_at: new Date() });
        await t.app.reconciler.runOnce();
        return (await row(p.id)).status === 'successful';
      },
      8_000,
      50,
    );
  });

  test('expires a payment still pending after the final check past the deadline', async () => {
    const p = await create('04', 6);
    await t.app.reconciler.runOnce();
    assert.equal((await row(p.id)).status, 'pending', 'not expired before the deadline');
    await new Promise((r) => setTimeout(r, 1600));
    await t.database.db('payments').where({ id: p.id }).update({ next_check_at: new Date() });
    const before = t.simulator.counters().statusCalls;
    await t.app.reconciler.runOnce();
    assert.equal((await row(p.id)).status, 'expired');
    assert.ok(t.simulator.counters().statusCalls > before, 'a final status check happened before expiry');
  });

  test('a payment FeexPay answered 500 goes to review at the deadline, never to expired (the request may have reached it)', async () => {
    const p = await create('06', 7);
    await new Promise((r) => setTimeout(r, 1600));
    await t.database.db('payments').where({ id: p.id }).update({ next_check_at: new Date() });
    await t.app.reconciler.runOnce();
    assert.equal((await row(p.id)).status, 'needs_review');
    const items = await t.database.db('review_items').where({ payment_id: p.id });
    assert.deepEqual(
      items.map((i) => [i.cause, i.resolved_at]),
      [['no_reference', null]],
    );
  });
});

describe('the database guards the state machine', () => {
  test('a terminal payment cannot change status, amount or reference', async () => {
    const p = await create('03', 8);
    assert.equal((await row(p.id)).status, 'failed');
    const db = t.database.db;
    await assert.rejects(db('payments').where({ id: p.id }).update({ status: 'successful', failure_reason: null }), /cannot become/);
    await assert.rejects(db('payments').where({ id: p.id }).update({ status: 'pending', failure_reason: null }), /cannot become/);
    await assert.rejects(db('payments').where({ id: p.id }).update({ amount: 1 }), /immutable/);
    await assert.rejects(db('payments').where({ id: p.id }).update({ status: 'bogus' }));
  });

  test('the audit table refuses updates, deletes and truncation', async () => {
    const db = t.database.db;
    const e = await db('payment_events').first();
    await assert.rejects(db('payment_events').where({ id: e.id }).update({ to_status: 'successful' }), /append-only/);
    await assert.rejects(db('payment_events').where({ id: e.id }).del(), /append-only/);
    await assert.rejects(db.raw('TRUNCATE payment_events CASCADE'), /append-only/);
  });
});
