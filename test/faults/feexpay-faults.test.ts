/**
 * FeexPay misbehaving: slower than the client timeout, hanging, answering 5xx or HTML, dropping
 * its webhooks, then down altogether while payments wait. No acknowledged payment is lost or
 * settled on a guess; once FeexPay answers again every payment ends as FeexPay says (or under
 * review when FeexPay never had it), and /metrics shows each fault while it lasts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { serviceMetrics } from '../../src/metrics/catalog.ts';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { newKey } from '../helpers/http.ts';
import { allFinal, assertNoExpiredSuccess, assertSettledAsFeexPaySays, createPayment, expectedFinal, metricValue, phoneFor, scrape, storedPayments } from './helpers.ts';

const CLIENT_TIMEOUT_MS = 1_000;
const DEADLINE_MS = 8_000;
const FEEXPAY_CALLS = `${serviceMetrics.feexpayRequestDuration.name}_count`;

let sim: RunningSimulator;
let t: TestApp;
const acknowledged: string[] = [];

before(async () => {
  sim = await startSimulator({ settleDelayMs: 50, slowResponseMs: CLIENT_TIMEOUT_MS * 3, webhookRetryIntervalMs: 200 });
  t = await startTestApp(
    'faults-feexpay',
    {
      FEEXPAY_REQUEST_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
      FEEXPAY_STATUS_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
      RECONCILER_ENABLED: 'true',
      RECONCILER_INTERVAL_MS: '100',
      RECONCILE_AFTER_MS: '100',
      RECONCILE_MAX_BACKOFF_MS: '1000',
      PAYMENT_DEADLINE_MS: String(DEADLINE_MS),
    },
    undefined,
    sim,
  );
  sim.setWebhookUrl(`${t.url}/v1/webhooks/feexpay/${t.config.webhookToken}`);
});
after(async () => {
  await t.close();
  await sim.close();
});

/**
 * Creates payments in parallel; each must be acknowledged 201 and pending, unless FeexPay's own
 * status endpoint already settled it (its webhook can arrive while request-to-pay still hangs).
 */
async function createPending(suffix: string, n: number): Promise<{ id: string; feexpay_reference: string | null; ms: number }[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const started = Date.now();
      const r = await createPayment(t.url, t.apiKey, newKey('fault'), phoneFor(suffix));
      assert.equal(r.kind, 'ok', JSON.stringify(r));
      if (r.kind !== 'ok') throw new Error('unreachable');
      assert.equal(r.status, 201);
      if (r.body.status !== 'pending') {
        assert.equal(r.body.status, expectedFinal(sim, r.body.id), `suffix ${suffix}: settled on a guess`);
      }
      acknowledged.push(r.body.id);
      return { id: r.body.id, feexpay_reference: r.body.feexpay_reference, ms: Date.now() - started };
    }),
  );
}

test('FeexPay slower than the client timeout, or hanging: 201 pending within the timeout, timeouts on /metrics', async () => {
  const slow = await createPending('05', 4);
  for (const p of slow) assert.ok(p.ms < CLIENT_TIMEOUT_MS + 1_500, `answered after ${p.ms} ms`);
  sim.setDownMode('hang');
  try {
    const hung = await createPending('00', 3);
    assert.ok(hung.every((p) => p.feexpay_reference === null));
    const ready = await fetch(`${t.url}/health/ready`).then((r) => r.json() as Promise<{ checks: { feexpay: { status: string } } }>);
    assert.equal(ready.checks.feexpay.status, 'degraded', 'readiness shows FeexPay as degraded (but stays ready)');
  } finally {
    sim.setDownMode('off');
  }
  const metrics = await scrape(t.url);
  assert.ok(metricValue(metrics, FEEXPAY_CALLS, { operation: 'request_to_pay', outcome: 'timeout' }) >= 7, 'timeouts counted');
});

test('FeexPay answering 5xx or HTML: 201 pending, errors on /metrics', async () => {
  sim.setDownMode('503');
  try {
    await createPending('00', 3);
  } finally {
    sim.setDownMode('off');
  }
  await createPending('06', 3); // 500, nothing created at FeexPay
  await createPending('07', 3); // 200 with HTML: created at FeexPay, we cannot know the reference
  await createPending('11', 3); // accepted, but its status endpoint fails three times first
  const metrics = await scrape(t.url);
  assert.ok(metricValue(metrics, FEEXPAY_CALLS, { operation: 'request_to_pay', outcome: 'error' }) >= 9, 'request-to-pay errors counted');
});

test('webhooks dropped, then FeexPay down after it settled them: nothing moves until it is back', async () => {
  // Payments FeexPay made without our knowing its reference (timeouts, HTML) can only be told by
  // their webhook, and FeexPay has no lookup by our id: let those webhooks land before dropping any.
  const knownToFeexPay = acknowledged.filter((id) => sim.byCallbackInfo(id).payments.length > 0);
  await waitFor(() => allFinal(t.database.db, knownToFeexPay), 10_000, 100);
  sim.setWebhookUrl(undefined);
  sim.setSettleDelay(1_500);
  let waiting: Awaited<ReturnType<typeof createPending>> = [];
  try {
    waiting = [...(await createPending('00', 4)), ...(await createPending('01', 2)), ...(await createPending('13', 2))];
    sim.setDownMode('503');
    assert.ok(
      waiting.every((p) => p.feexpay_reference !== null),
      'FeexPay accepted them',
    );
    const errorsBefore = metricValue(await scrape(t.url), FEEXPAY_CALLS, { operation: 'status', outcome: 'error' });
    // Past the settle delay: FeexPay has decided, but cannot be asked; the service must wait.
    await new Promise((r) => setTimeout(r, 2_500));
    assert.ok(metricValue(await scrape(t.url), FEEXPAY_CALLS, { operation: 'status', outcome: 'error' }) > errorsBefore, 'status errors counted');
    const stored = await storedPayments(
      t.database.db,
      waiting.map((p) => p.id),
    );
    for (const p of waiting) assert.equal(stored.get(p.id)?.status, 'pending', 'FeexPay unreachable: the reconciler must not decide');
  } finally {
    sim.setDownMode('off');
    sim.setSettleDelay(50);
  }
  await waitFor(
    () =>
      allFinal(
        t.database.db,
        waiting.map((p) => p.id),
      ),
    10_000,
    100,
  );
  sim.setWebhookUrl(`${t.url}/v1/webhooks/feexpay/${t.config.webhookToken}`);
});

test('a webhook that arrives while FeexPay cannot be asked still leaves the reconciler a reference to ask', async () => {
  // Request-to-pay hangs (and times out) while FeexPay settles at once and calls back; by then
  // its status endpoint is down, so the webhook cannot confirm anything.
  sim.setSettleDelay(300);
  const asked = sim.counters().requestToPay.total;
  const creating = createPending('05', 1);
  await waitFor(async () => sim.counters().requestToPay.total > asked, 5_000, 5);
  sim.setDownMode('503');
  sim.setSettleDelay(50);
  let id = '';
  try {
    id = (await creating)[0]!.id;
    // Not attached unconfirmed (anyone could name any payment): kept in the delivery row as a candidate.
    const hooked = await waitFor(async () => (await t.database.db('webhook_deliveries').where({ payment_id: id, result: 'unconfirmed' }).first())?.reference, 3_000, 50);
    assert.ok(hooked, 'the reference from the webhook is kept as a candidate');
    const stored = (await storedPayments(t.database.db, [id])).get(id);
    assert.deepEqual([stored?.status, stored?.feexpay_reference], ['pending', null]);
  } finally {
    sim.setDownMode('off');
  }
  // FeexPay back: the reconciler asks about the candidate, checks it pairs, attaches and settles.
  await waitFor(() => allFinal(t.database.db, [id]), 5_000, 100);
  assert.equal((await storedPayments(t.database.db, [id])).get(id)?.status, 'successful');
});

test('once FeexPay is back, every acknowledged payment ends as FeexPay says', async () => {
  await waitFor(() => allFinal(t.database.db, acknowledged), DEADLINE_MS + 10_000, 200);
  await assertSettledAsFeexPaySays(t.database.db, sim, acknowledged);
  await assertNoExpiredSuccess(t.database.db, sim, acknowledged);
  const metrics = await scrape(t.url);
  assert.ok(metricValue(metrics, FEEXPAY_CALLS, { operation: 'status', outcome: 'ok' }) > 0);
  assert.ok(metricValue(metrics, `${serviceMetrics.reconcilerChecks.name}`, { outcome: 'error' }) > 0, 'reconciler saw the outage');
});
