/**
 * The drain stops the background workers together. FeexPay hangs (the stand-alone simulator over
 * HTTP), so each round of status checks takes the whole status timeout. Stopped one after another,
 * the payout reconciler, not yet told to stop, started its next round while the drain waited for
 * the payment reconciler's, and the drain took two timeouts instead of one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { waitFor, type TestApp } from '../helpers/app.ts';
import { createPending, startBehindSimulator } from './hanging-feexpay.ts';

const STATUS_TIMEOUT_MS = 2_000;
const ROWS = 40;

let sim: RunningSimulator;
let t: TestApp;
let closed = false;

before(async () => {
  ({ sim, t } = await startBehindSimulator('drain-workers', STATUS_TIMEOUT_MS, ROWS));
  const { apiKey } = await createMerchant(t.database.db, 'payer drain-workers', ['payments', 'payouts']);
  await createPending(t, '/v1/payments', ROWS, apiKey);
  await createPending(t, '/v1/payouts', ROWS, apiKey);
});
after(async () => {
  sim.setDownMode('off');
  if (!closed) await t.app.close();
  await t.database.drop();
  await sim.close();
});

test('the drain stops both reconcilers at once: one status timeout, not one each', { timeout: 60_000 }, async () => {
  const due = new Date(Date.now() - 1_000);
  await t.database.db('payments').where({ status: 'pending' }).update({ next_check_at: due });
  await t.database.db('payouts').where({ status: 'pending' }).update({ next_check_at: due });
  sim.setDownMode('hang');
  // The payout reconciler's round ends just before the payment reconciler's: a worker not yet
  // told to stop would start its next round then.
  t.app.payouts.reconciler.start();
  await waitFor(async () => sim.engine.hangingRequests() >= 8, 10_000);
  await new Promise((r) => setTimeout(r, 200));
  t.app.reconciler.start();
  // A round of 8 checks in flight in each.
  await waitFor(async () => sim.engine.hangingRequests() >= 16, 10_000);

  const started = Date.now();
  await t.app.close();
  closed = true;
  const drainMs = Date.now() - started;
  process.stdout.write(`# drain with both reconcilers mid-round over a hanging FeexPay: ${drainMs} ms (status timeout ${STATUS_TIMEOUT_MS} ms)\n`);
  assert.ok(drainMs < STATUS_TIMEOUT_MS * 1.5, `the drain took ${drainMs} ms`);
});
