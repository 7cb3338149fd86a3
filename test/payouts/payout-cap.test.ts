/**
 * The daily payout cap under concurrency, through real HTTP: 50 payouts at once cannot pass it;
 * a payout FeexPay failed gives its amount back; the configured default applies without an
 * override. On PostgreSQL, two replicas' payout reconcilers share the pending payouts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/build-app.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { newKey } from '../helpers/http.ts';
import { payoutBody, postPayout, startPayoutApp, type PayoutTestApp } from './helpers.ts';

let t: PayoutTestApp;
before(async () => {
  // A long FeexPay timeout: on PGlite the 50 transactions share the event loop with the in-process simulator.
  t = await startPayoutApp('payout-cap', { PAYOUT_DAILY_CAP: 'XOF=3000', FEEXPAY_REQUEST_TIMEOUT_MS: '30000' });
});
after(async () => t.close());

async function merchantWithCap(name: string, caps: Record<string, number> | null): Promise<{ id: string; apiKey: string }> {
  const { merchant, apiKey } = await createMerchant(t.database.db, name, ['payouts']);
  if (caps)
    await t.database
      .db('merchants')
      .where({ id: merchant.id })
      .update({ payout_daily_caps: JSON.stringify(caps) });
  return { id: merchant.id, apiKey };
}

const dayTotal = async (merchantId: string) => Number((await t.database.db('payout_daily_totals').where({ merchant_id: merchantId, currency: 'XOF' }).first())?.amount ?? 0);

test('50 concurrent payouts of 1,000 against a cap of 10,000: exactly 10 pass, 40 get payout_cap_exceeded', async () => {
  const m = await merchantWithCap('capped', { XOF: 10_000 });
  const transfersBefore = t.sim.snapshot().transfers.total;
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => postPayout(t, payoutBody('04', 100 + i), newKey('cap'), m.apiKey)));
  const created = answers.filter((a) => a.status === 201);
  const refused = answers.filter((a) => a.status === 422);
  assert.ok(
    created.every((c) => c.body.status === 'pending'),
    'FeexPay answered every one',
  );
  assert.equal(created.length, 10, `statuses ${answers.map((a) => a.status).join(',')}`);
  assert.equal(refused.length, 40);
  for (const r of refused) {
    assert.equal(r.body.error.code, 'payout_cap_exceeded');
    assert.match(r.body.error.message, /body\.amount.*10000 XOF/);
  }
  assert.equal(await dayTotal(m.id), 10_000);
  const rows = await t.database.db('payouts').where({ merchant_id: m.id });
  assert.equal(rows.length, 10, 'a refused payout leaves no row');
  assert.equal(t.sim.snapshot().transfers.total - transfersBefore, 10, 'and no FeexPay call');
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  assert.match(metrics, /feexpay_payout_cap_exceeded_total\{currency="XOF"\} 40/);
});

test("a payout FeexPay failed gives its amount back to the day's cap; the refused key is free again", async () => {
  const m = await merchantWithCap('refunds', { XOF: 2_000 });
  const failing = await postPayout(t, payoutBody('01', 200), newKey(), m.apiKey);
  assert.equal((await postPayout(t, payoutBody('04', 201), newKey(), m.apiKey)).status, 201);
  const key = newKey('retry');
  const third = await postPayout(t, payoutBody('04', 202), key, m.apiKey);
  assert.equal(third.status, 422);
  // Once FeexPay states the first failed, its 1,000 no longer counts.
  for (let i = 0; i < 100; i++) {
    await t.app.payouts.reconciler.runOnce();
    const row = await t.database.db('payouts').where({ id: failing.body.id }).first();
    if (row.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(await dayTotal(m.id), 1_000);
  const retried = await postPayout(t, payoutBody('04', 202), key, m.apiKey);
  assert.equal(retried.status, 201);
  assert.equal(await dayTotal(m.id), 2_000);
});

test('without an override the configured PAYOUT_DAILY_CAP applies, per currency', async () => {
  const m = await merchantWithCap('default cap', null);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await postPayout(t, payoutBody('04', 300 + i), newKey(), m.apiKey)).status);
  assert.deepEqual(statuses, [201, 201, 201, 422]);
});

test('two replicas reconcile pending payouts once each (PostgreSQL)', async (ctx) => {
  if (t.database.kind !== 'postgres') return ctx.skip('PGlite is single-process');
  const m = await merchantWithCap('replicas', { XOF: 100_000 });
  // Counted from before the payouts exist: the first replica's own timer may check some of them
  // before the explicit passes below (under load, while the later ones are still being created),
  // and those checks count as well.
  const before = t.sim.snapshot().statusCalls.single;
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push((await postPayout(t, payoutBody('04', 400 + i), newKey(), m.apiKey)).body.id);
  await t.database
    .db('payouts')
    .whereIn('id', ids)
    .update({ next_check_at: new Date(0) });
  const second = await buildApp(t.config, { db: t.database.connectAgain() });
  await second.listen({ host: '127.0.0.1', port: 0 });
  try {
    const [a, b] = await Promise.all([t.app.payouts.reconciler.runOnce(), second.payouts.reconciler.runOnce()]);
    const checked = Object.values(a).reduce((x, y) => x + y, 0) + Object.values(b).reduce((x, y) => x + y, 0);
    assert.ok(checked > 0, `checked ${checked}`);
    const rows = await t.database.db('payouts').whereIn('id', ids);
    assert.ok(
      rows.every((r) => r.check_attempts === 1),
      'every payout claimed by one replica only',
    );
    // A payout whose transfer answer was lost (a FeexPay call timed out on a loaded machine) has
    // no reference yet: it is claimed, rescheduled, and asks FeexPay nothing.
    const withReference = rows.filter((r) => r.feexpay_reference).length;
    assert.ok(withReference > 0, 'the transfers were answered');
    // Each replica asks its own built-in simulator (FeexPay for test keys, on its own port):
    // whichever claimed a payout asked about it, so both count.
    const asked = t.sim.snapshot().statusCalls.single - before + second.feexpaySimulator!.payouts.snapshot().statusCalls.single;
    assert.ok(asked >= withReference, `${asked} status calls for ${withReference} payouts with a reference`);
  } finally {
    await second.close();
  }
});
