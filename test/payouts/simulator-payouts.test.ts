/** The simulator's payout endpoints over raw HTTP, as FeexPay's: paths, key, validation, both status spellings, outcomes. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { call } from '../helpers/http.ts';
import { beninPhone, waitFor } from '../helpers/app.ts';

let sim: RunningSimulator;
before(async () => {
  sim = await startSimulator({ port: 0, settleDelayMs: 30, shopId: 'shop0000001', slowResponseMs: 200 });
});
after(async () => sim.close());

const transfer = (path: string, body: Record<string, unknown>, apiKey = sim.apiKey) =>
  call(sim.url, 'POST', `/api/payouts/public/${path}`, { apiKey, body: { shop: 'shop0000001', amount: 1000, motif: 'Refund 42', ...body } });
const status = (ref: string, spelling: 'single' | 'legacy') =>
  call(sim.url, 'GET', spelling === 'single' ? `/api/payouts/public/single/status/${ref}` : `/api/payouts/status/public/${ref}`, { apiKey: sim.apiKey });

test('the global transfer serves MTN and Moov Benin by `network`, Celtiis and Togo on their paths; others are refused', async () => {
  for (const network of ['MTN', 'MOOV']) {
    const a = await transfer('transfer/global', { network, phoneNumber: beninPhone('04', 1) });
    assert.equal(a.status, 200, network);
    assert.equal(a.body.status, 'PENDING');
    assert.equal(sim.engine.payouts.payout(a.body.reference)?.network, network === 'MTN' ? 'mtn' : 'moov');
  }
  assert.equal((await transfer('transfer/global', { phoneNumber: beninPhone('04', 1) })).status, 400, 'no network on the shared path');
  assert.equal((await transfer('transfer/global', { network: 'CELTIIS BJ', phoneNumber: beninPhone('04', 1) })).status, 400);
  assert.equal((await transfer('celtiis_bj', { phoneNumber: beninPhone('04', 1) })).status, 200);
  const togo = await transfer('togo', { network: 'MOOV TG', phoneNumber: '22890000004' });
  assert.equal(sim.engine.payouts.payout(togo.body.reference)?.network, 'moov_tg');
  const unknown = await transfer('coris', { phoneNumber: beninPhone('04', 1) });
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.message, /not configured/);
  assert.equal((await transfer('celtiis_bj', { phoneNumber: beninPhone('04', 1) }, `fp_${'x'.repeat(64)}`)).status, 401);
});

test("FeexPay's limits and motif rules are enforced with a 400 before anything is created", async () => {
  const before = sim.engine.payouts.snapshot().payouts;
  const bad: Record<string, unknown>[] = [
    { amount: 49 },
    { amount: 100_001 },
    { amount: '1000' },
    { motif: 'Refund #42' },
    { motif: 'x'.repeat(31) },
    { phoneNumber: '22967000000' },
    { shop: 'another' },
  ];
  for (const over of bad) {
    const a = await transfer('transfer/global', { network: 'MTN', phoneNumber: beninPhone('00', 2), ...over });
    assert.equal(a.status, 400, JSON.stringify(over));
  }
  assert.equal((await transfer('togo', { network: 'TOGOCOM TG', phoneNumber: '22890000000', amount: 99 })).status, 400, '100 minimum outside Benin');
  assert.equal((await transfer('transfer/global', { network: 'MTN', phoneNumber: beninPhone('04', 2), amount: 50 })).status, 200, "50 is Benin's minimum");
  assert.equal(sim.engine.payouts.snapshot().payouts, before + 1);
});

test('both status spellings answer the same; 00 becomes SUCCESSFUL, 01 FAILED with its reason, 03 at once', async () => {
  const ok = await transfer('transfer/global', { network: 'MTN', phoneNumber: beninPhone('00', 3) });
  const done = await waitFor(async () => {
    const s = await status(ok.body.reference, 'single');
    return s.body.status === 'SUCCESSFUL' && s;
  });
  const legacy = await status(ok.body.reference, 'legacy');
  assert.deepEqual(legacy.body, done.body);
  assert.equal(done.body.amount, 1000);
  assert.equal(done.body.type, 'Transfert');
  const low = await transfer('transfer/global', { network: 'MTN', phoneNumber: beninPhone('01', 3) });
  const failed = await waitFor(async () => {
    const s = await status(low.body.reference, 'legacy');
    return s.body.status === 'FAILED' && s;
  });
  assert.equal(failed.body.reason, 'LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED');
  const immediate = await transfer('transfer/global', { network: 'MTN', phoneNumber: beninPhone('03', 3) });
  assert.equal(immediate.body.status, 'FAILED');
  assert.ok(immediate.body.reference);
  assert.equal((await status('00000000-0000-0000-0000-000000000000', 'single')).status, 404);
  const counters = await call(sim.url, 'GET', '/_simulator/payouts/counters');
  assert.ok(counters.body.statusCalls.single >= 2 && counters.body.statusCalls.legacy >= 2);
});

test('04 stays PENDING, 05 answers slowly, 06 is a 500 creating nothing, 07 an HTML 200 that still pays, 11 a 500 for a while', async () => {
  const pending = await transfer('celtiis_bj', { phoneNumber: beninPhone('04', 4) });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await status(pending.body.reference, 'single')).body.status, 'PENDING');
  const started = Date.now();
  const slow = await transfer('celtiis_bj', { phoneNumber: beninPhone('05', 4) });
  assert.ok(Date.now() - started >= 190);
  assert.equal(slow.status, 200);
  const before = sim.engine.payouts.snapshot().payouts;
  const broken = await transfer('celtiis_bj', { phoneNumber: beninPhone('06', 4), callback_info: 'payout-06' });
  assert.equal(broken.status, 500);
  assert.equal(sim.engine.payouts.snapshot().payouts, before);
  const garbage = await transfer('celtiis_bj', { phoneNumber: beninPhone('07', 4), callback_info: 'payout-07' });
  assert.equal(garbage.status, 200);
  assert.match(String(garbage.body), /<html>/);
  const [created] = (await call(sim.url, 'GET', '/_simulator/payouts?callback_info=payout-07')).body.payouts;
  await waitFor(async () => (await status(created.reference, 'single')).body.status === 'SUCCESSFUL');
  const flaky = await transfer('celtiis_bj', { phoneNumber: beninPhone('11', 4) });
  assert.equal((await status(flaky.body.reference, 'single')).status, 500);
});
