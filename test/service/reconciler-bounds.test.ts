/**
 * A reconciler pass is bounded by its claim's lease and by a shutdown, and a look cut short is
 * never lost. FeexPay hangs (the stand-alone simulator over HTTP), so every status call takes the
 * whole status timeout: a pass over 100 due payments, 8 at a time, would take 13 timeouts, longer
 * than the 7 s lease that hides its rows from other replicas.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { waitFor, type TestApp } from '../helpers/app.ts';
import { createPending, startBehindSimulator } from './hanging-feexpay.ts';

const STATUS_TIMEOUT_MS = 1_000;
/** The plugin's lease: two status calls and 5 s. */
const LEASE_MS = STATUS_TIMEOUT_MS * 2 + 5_000;
const ROWS = 100;

let sim: RunningSimulator;
let t: TestApp;

before(async () => {
  ({ sim, t } = await startBehindSimulator('reconciler-bounds', STATUS_TIMEOUT_MS, ROWS));
  await createPending(t, '/v1/payments', ROWS);
});
after(async () => {
  sim.setDownMode('off');
  await t.close();
  await sim.close();
});

const db = () => t.database.db;
const makeAllDue = () =>
  db()('payments')
    .where({ status: 'pending' })
    .update({ next_check_at: new Date(Date.now() - 1_000) });
const dueNow = async () => Number((await db()('payments').where({ status: 'pending' }).where('next_check_at', '<=', db().fn.now()).count({ n: '*' }))[0]!.n);

test('a pass over a hanging FeexPay stops taking rows at half its lease; the rows it left come back when the lease ends', { timeout: 60_000 }, async () => {
  await makeAllDue();
  sim.setDownMode('hang');
  const started = Date.now();
  const counts = await t.app.reconciler.runOnce();
  const tookMs = Date.now() - started;
  sim.setDownMode('off');

  const checked = counts.error + counts.still_pending + counts.settled + counts.review + counts.expired;
  assert.ok(counts.deferred > 0, `the pass left rows: ${JSON.stringify(counts)}`);
  assert.equal(checked + counts.deferred, ROWS, 'every claimed row was checked or left for its lease');
  assert.ok(tookMs < LEASE_MS, `the pass took ${tookMs} ms, past its ${LEASE_MS} ms lease`);
  process.stdout.write(`# pass over a hanging FeexPay: ${checked} checked, ${counts.deferred} left, ${tookMs} ms (lease ${LEASE_MS} ms)\n`);

  // The left rows are hidden until their lease ends, then due again: nothing is lost.
  assert.equal(await dueNow(), 0, 'no claimed row is due before its lease ends');
  await waitFor(async () => (await dueNow()) >= counts.deferred, LEASE_MS + 5_000, 200);
});

test('stop() during a pass returns once the checks in flight end, not after the whole pass', { timeout: 60_000 }, async () => {
  await makeAllDue();
  sim.setDownMode('hang');
  t.app.reconciler.start();
  await waitFor(async () => sim.engine.hangingRequests() > 0, 10_000);
  const stopping = Date.now();
  await t.app.reconciler.stop();
  const stopMs = Date.now() - stopping;
  sim.setDownMode('off');
  // One round of checks is one status timeout; the lease alone would allow 3.5 s more.
  assert.ok(stopMs < STATUS_TIMEOUT_MS * 2, `stop took ${stopMs} ms`);
  process.stdout.write(`# stop during a pass: ${stopMs} ms\n`);
});

test('a late look cut short (the process killed after the claim) comes back when its lease ends', async () => {
  const p = (await db()('payments').where({ status: 'pending' }).first('id')) as { id: string };
  await db()('payments')
    .where({ id: p.id })
    .update({ status: 'expired', late_check_at: new Date(Date.now() - 1_000) });
  const claimed = await t.app.payments.repo.claimLateChecks(10, 500);
  assert.deepEqual(
    claimed.map((r) => r.id),
    [p.id],
  );
  // Never looked at: the claim alone must not lose the look.
  assert.deepEqual(await t.app.payments.repo.claimLateChecks(10, 500), [], 'no second look during the lease');
  const back = await waitFor(async () => {
    const again = await t.app.payments.repo.claimLateChecks(10, 500);
    return again.length ? again : undefined;
  }, 5_000);
  assert.deepEqual(
    back.map((r) => r.id),
    [p.id],
  );
});
