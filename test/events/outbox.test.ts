/**
 * The outbox: the event (and its deliveries) commits with the transition or not at all, whatever
 * writes the status, and holds no phone number or customer details.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { beninPhone, startTestApp, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { createEndpoint, eventsOf } from './helpers.ts';

let t: TestApp;
let endpointId: string;
before(async () => {
  // No worker: the delivery rows stay as the trigger wrote them.
  t = await startTestApp('events-outbox', { MERCHANT_WEBHOOK_WORKER_ENABLED: 'false' });
  endpointId = (await createEndpoint(t, 'http://127.0.0.1:9/outbox')).id;
});
after(async () => t.close());

let serial = 0;
/** Stays pending: the simulator never settles suffix 04. */
async function pendingPayment(): Promise<string> {
  const res = await call(t.url, 'POST', '/v1/payments', {
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey('outbox') },
    body: { amount: 2500, currency: 'XOF', network: 'mtn', phone_number: beninPhone('04', ++serial), customer: { first_name: 'Kofi', email: 'kofi@example.com' } },
  });
  assert.equal(res.body.status, 'pending');
  return res.body.id;
}

const deliveriesOf = async (eventId: string) => t.database.db('event_deliveries').where({ event_id: eventId });

describe('transactional outbox', () => {
  test('a rolled-back transition leaves no event; a committed one has its event and delivery', async () => {
    const id = await pendingPayment();
    await assert.rejects(
      t.database.db.transaction(async (trx) => {
        const row = await t.app.payments.repo.transition(trx, id, 'successful', 'webhook', null);
        assert.equal(row?.status, 'successful');
        assert.equal((await trx('events').where({ payment_id: id })).length, 1, 'written inside the transaction');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual(await eventsOf(t, id), []);
    assert.equal((await t.database.db('payments').where({ id }).first()).status, 'pending');

    await t.database.db.transaction(async (trx) => {
      await t.app.payments.repo.transition(trx, id, 'successful', 'webhook', null);
    });
    const events = await eventsOf(t, id);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'payment.succeeded');
    assert.deepEqual(
      (await deliveriesOf(events[0].id)).map((d) => [d.endpoint_id, d.status]),
      [[endpointId, 'pending']],
    );
  });

  test(
    'on PostgreSQL, another connection sees neither the transition nor the event before commit',
    { skip: !process.env.TEST_DATABASE_URL && 'PGlite has one connection' },
    async () => {
      const id = await pendingPayment();
      const other = t.database.connectAgain();
      await t.database.db.transaction(async (trx) => {
        await t.app.payments.repo.transition(trx, id, 'failed', 'reconciler', 'cancelled');
        assert.equal((await other('payments').where({ id }).first()).status, 'pending');
        assert.deepEqual(await other('events').where({ payment_id: id }), []);
      });
      assert.equal((await other('events').where({ payment_id: id })).length, 1);
    },
  );

  test('a status written by hand (an operator) has its event too; other updates add none', async () => {
    const id = await pendingPayment();
    await t.database.db('payments').where({ id }).update({ status: 'expired', status_source: 'reconciler' });
    await t.database.db('payments').where({ id }).update({ description: 'touched later' });
    const events = await eventsOf(t, id);
    assert.deepEqual(
      events.map((e) => e.type),
      ['payment.expired'],
    );
  });

  test('a payment sent to review has payment.needs_review, and its decision the event of the outcome', async () => {
    const id = await pendingPayment();
    const db = t.database.db;
    await db('payments').where({ id }).update({ status: 'needs_review', status_source: 'reconciler' });
    await db('payments')
      .where({ id })
      .update({ status: 'successful', status_source: 'operator', transition_detail: JSON.stringify({ operator: 'Ama Mensah' }) });
    const events = await eventsOf(t, id);
    assert.equal(JSON.stringify(events[1].snapshot).includes('Ama Mensah'), false, "no operator's name in the event");
    assert.deepEqual(
      events.map((e) => e.type),
      ['payment.needs_review', 'payment.succeeded'],
    );
    const review = await call(t.url, 'GET', `/v1/events/${events[0].id}`, { apiKey: t.apiKey });
    assert.equal(review.body.data.status, 'needs_review');
    const payment = await call(t.url, 'GET', `/v1/payments/${id}`, { apiKey: t.apiKey });
    assert.deepEqual((await call(t.url, 'GET', `/v1/events/${events[1].id}`, { apiKey: t.apiKey })).body.data, payment.body);
  });

  test('the event keeps the last four digits of the phone and nothing of the customer', async () => {
    const id = await pendingPayment();
    await t.database.db.transaction((trx) => t.app.payments.repo.transition(trx, id, 'failed', 'webhook', 'insufficient_funds'));
    const [event] = await eventsOf(t, id);
    const text = JSON.stringify(event.snapshot);
    assert.equal(text.includes(beninPhone('04', serial)), false);
    assert.equal(text.includes('Kofi'), false);
    assert.equal(text.includes('kofi@example.com'), false);
    const view = await call(t.url, 'GET', `/v1/events/${event.id}`, { apiKey: t.apiKey });
    const payment = await call(t.url, 'GET', `/v1/payments/${id}`, { apiKey: t.apiKey });
    assert.deepEqual(view.body.data, payment.body);
    assert.equal(view.body.data.failure_reason, 'insufficient_funds');
  });

  test('deleted and disabled endpoints get no delivery rows', async () => {
    const gone = await createEndpoint(t, 'http://127.0.0.1:9/gone');
    await call(t.url, 'DELETE', `/v1/webhook_endpoints/${gone.id}`, { apiKey: t.apiKey });
    const id = await pendingPayment();
    await t.database.db.transaction((trx) => t.app.payments.repo.transition(trx, id, 'failed', 'webhook', 'cancelled'));
    const [event] = await eventsOf(t, id);
    assert.deepEqual(
      (await deliveriesOf(event.id)).map((d) => d.endpoint_id),
      [endpointId],
    );
  });
});
