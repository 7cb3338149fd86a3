/**
 * Every simulator outcome through the service: what the API answers, what the reconciler makes of
 * it, and that an outcome FeexPay did not state ends in review, never in failed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../helpers/http.ts';
import { waitFor } from '../helpers/app.ts';
import { payoutBody, postPayout, sleep, startPayoutApp, type PayoutTestApp } from './helpers.ts';

let t: PayoutTestApp;
before(async () => {
  // Scenario 05 answers after 35 s: past this timeout, its payout goes to review.
  t = await startPayoutApp('payouts-outcomes', { FEEXPAY_REQUEST_TIMEOUT_MS: '3000' });
});
after(async () => t.close());

const read = async (id: string) => (await call(t.url, 'GET', `/v1/payouts/${id}`, { apiKey: t.payoutKey })).body;

/** Runs reconciler passes until the payout leaves pending (or the time is up). */
async function reconcile(id: string): Promise<Record<string, unknown>> {
  return waitFor(
    async () => {
      await t.app.payouts.reconciler.runOnce();
      const p = await read(id);
      return p.status !== 'pending' && p;
    },
    8_000,
    60,
  );
}

const openItems = (payoutId: string) => t.database.db('review_items').where({ payout_id: payoutId }).whereNull('resolved_at');

test('00 succeeds after the settle delay, found by the reconciler; every move is audited', async () => {
  const created = await postPayout(t, payoutBody('00', 10));
  assert.equal(created.status, 201);
  assert.equal(created.body.status, 'pending');
  assert.match(created.body.feexpay_reference, /^[0-9a-f-]{36}$/);
  const done = await reconcile(created.body.id);
  assert.equal(done.status, 'successful');
  assert.ok(done.settled_at);
  const events = await t.database.db('payout_events').where({ payout_id: created.body.id }).orderBy('id');
  assert.deepEqual(
    events.map((e) => [e.from_status, e.to_status, e.source]),
    [
      [null, 'pending', 'api'],
      ['pending', 'successful', 'reconciler'],
    ],
  );
});

test('failures FeexPay states become failed with their reason (01, 02, 10, 13), and 03 at once', async () => {
  const cases: [string, string][] = [
    ['01', 'insufficient_funds'],
    ['02', 'payer_not_found'],
    ['10', 'cancelled'],
    ['13', 'payer_not_found'],
  ];
  for (const [outcome, reason] of cases) {
    const created = await postPayout(t, payoutBody(outcome, 11));
    assert.equal(created.body.status, 'pending', outcome);
    const done = await reconcile(created.body.id);
    assert.equal(done.status, 'failed', outcome);
    assert.equal(done.failure_reason, reason, outcome);
  }
  const immediate = await postPayout(t, payoutBody('03', 11));
  assert.equal(immediate.status, 201);
  assert.equal(immediate.body.status, 'failed');
  assert.equal(immediate.body.failure_reason, 'insufficient_funds');
});

test('04 stays pending through reconciler passes, rescheduled with backoff', async () => {
  const created = await postPayout(t, payoutBody('04', 12));
  for (let i = 0; i < 3; i++) {
    await t.database
      .db('payouts')
      .where({ id: created.body.id })
      .update({ next_check_at: new Date(0) });
    await t.app.payouts.reconciler.runOnce();
  }
  const row = await t.database.db('payouts').where({ id: created.body.id }).first();
  assert.equal(row.status, 'pending');
  assert.equal(row.check_attempts, 3);
  // RECONCILE_AFTER_MS is 0 here, so the floor of 1 s doubles: the third check waits 4 s.
  const wait = new Date(row.next_check_at).getTime() - Date.now();
  assert.ok(wait > 3_000 && wait <= 4_100, `next check in ${wait} ms`);
  assert.equal((await openItems(created.body.id)).length, 0);
});

test('unknown outcomes go to review with an open item, never to failed: 05 timeout, 06 5xx, 07 garbage', async () => {
  for (const [outcome, cause] of [
    ['05', 'timeout'],
    ['06', 'server_error'],
    ['07', 'bad_response'],
  ]) {
    const created = await postPayout(t, payoutBody(outcome!, 13));
    assert.equal(created.status, 201, outcome);
    assert.equal(created.body.status, 'needs_review', outcome);
    assert.equal(created.body.failure_reason, null);
    const items = await openItems(created.body.id);
    assert.equal(items.length, 1, outcome);
    assert.equal(items[0].cause, 'no_reference');
    assert.equal(items[0].feexpay_answer.cause, cause);
  }
});

test('11 (status 500 for a while) and 12 (variant shapes) end successful; 90 (another amount) goes to review', async () => {
  const flaky = await postPayout(t, payoutBody('11', 14));
  const variant = await postPayout(t, payoutBody('12', 14));
  assert.equal((await reconcile(variant.body.id)).status, 'successful');
  await sleep(100);
  for (let i = 0; i < 4; i++) {
    await t.database
      .db('payouts')
      .where({ id: flaky.body.id })
      .update({ next_check_at: new Date(0) });
    await t.app.payouts.reconciler.runOnce();
  }
  assert.equal((await read(flaky.body.id)).status, 'successful');
  const lying = await postPayout(t, payoutBody('90', 14));
  const reviewed = await reconcile(lying.body.id);
  assert.equal(reviewed.status, 'needs_review');
  assert.equal((await openItems(lying.body.id))[0].cause, 'amount_mismatch');
});

test('a reference FeexPay never knows is asked under both status spellings, then reviewed past the deadline', async () => {
  const created = await postPayout(t, payoutBody('04', 15));
  // Make FeexPay forget it (a reference it disowns), and the payout older than the deadline.
  t.sim.reset();
  const before = t.sim.snapshot().statusCalls;
  await t.app.payouts.reconciler.runOnce();
  const after1 = t.sim.snapshot().statusCalls;
  assert.equal(after1.single - before.single, 1);
  assert.equal(after1.legacy - before.legacy, 1);
  assert.equal((await read(created.body.id)).status, 'pending', 'not yet past the deadline');
  await t.database
    .db('payouts')
    .where({ id: created.body.id })
    .update({ created_at: new Date(Date.now() - 2 * t.config.reconciler.deadlineMs), next_check_at: new Date(0) });
  await t.app.payouts.reconciler.runOnce();
  assert.equal((await read(created.body.id)).status, 'needs_review');
  assert.equal((await openItems(created.body.id))[0].cause, 'reference_not_found');
});

test('a payout under review is settled by an operator decision, which closes its item; the database refuses any other move', async () => {
  const created = await postPayout(t, payoutBody('06', 16));
  assert.equal(created.body.status, 'needs_review');
  const row = await t.app.payouts.repo.findById(created.body.id);
  assert.equal(await t.app.payouts.settler.decide(row!, 'failed', 'ops-anna', 'FeexPay support: never sent'), 'settled');
  assert.equal((await openItems(created.body.id)).length, 0);
  const item = await t.database.db('review_items').where({ payout_id: created.body.id }).first();
  assert.equal(item.resolved_by, 'ops-anna');
  const db = t.database.db;
  await assert.rejects(db('payouts').where({ id: created.body.id }).update({ status: 'successful' }), /cannot become/);
  await assert.rejects(db('payouts').where({ id: created.body.id }).update({ amount: 1 }), /immutable/);
  await assert.rejects(db('payout_events').where({ payout_id: created.body.id }).del(), /append-only/);
  await assert.rejects(db('payout_events').where({ payout_id: created.body.id }).update({ to_status: 'x' }), /append-only/);
  const events = await db('payout_events').where({ payout_id: created.body.id }).orderBy('id');
  assert.deepEqual(
    events.map((e) => e.to_status),
    ['pending', 'needs_review', 'failed'],
  );
  assert.equal(events[2].detail.operator, 'ops-anna');
});
