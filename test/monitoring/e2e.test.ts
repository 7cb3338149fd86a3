/**
 * End to end: a real Prometheus scrapes a running gateway with the generated rule files loaded.
 * 1. Failures driven through the FeexPay simulator push the payment success rate under its floor
 *    and FeexPayPaymentSuccessRateLow goes pending; successes bring it back and the alert clears.
 * 2. The simulator answers 503 to everything (FeexPay failing fast): clients still get no 5xx, and
 *    FeexPayApiErrorsHigh goes pending, then firing.
 * Both use the production rules as shipped (windows, thresholds, volume guards), so the volumes
 * below are what it takes; only the second shortens its alert's `for`, to see it fire in seconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildRuleFiles, durationSeconds, monitoringConfig, recorded, type MonitoringConfig } from '../../alerts/index.ts';
import { beninPhone, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { buildDashboards, PAYMENTS_UID } from '../../dashboards/index.ts';
import type { DashboardJson } from './collect.ts';
import { requireTool } from './helpers.ts';
import { startPrometheus, type PromServer } from './prometheus.ts';

const cfg = monitoringConfig;
const APP_ENV = { RATE_LIMIT_PER_PHONE_PER_HOUR: '10000', RATE_LIMIT_PER_KEY_PER_MINUTE: '100000' };

let serial = 0;

/** Creates `n` payments whose simulator outcome is `outcome` (last two phone digits), 20 at a time. */
async function pay(app: TestApp, outcome: '00' | '03', n: number): Promise<void> {
  for (let done = 0; done < n;) {
    const batch = Math.min(20, n - done);
    const answers = await Promise.all(
      Array.from({ length: batch }, () =>
        call(app.url, 'POST', '/v1/payments', {
          body: { amount: 500, currency: 'XOF', network: 'mtn', phone_number: beninPhone(outcome, ++serial) },
          apiKey: app.apiKey,
          headers: { 'idempotency-key': newKey('e2e') },
        }),
      ),
    );
    for (const a of answers) assert.ok(a.status < 300, `payment answered ${a.status}: ${JSON.stringify(a.body)}`);
    done += batch;
  }
}

async function alertState(prom: PromServer, alert: string): Promise<string | undefined> {
  const rows = await prom.query(`ALERTS{alertname="${alert}"}`);
  return rows[0]?.metric.alertstate;
}

async function value(prom: PromServer, expr: string): Promise<number> {
  const rows = await prom.query(expr);
  return rows.length ? Number(rows[0]!.value[1]) : Number.NaN;
}

/** Waits two scrapes, so a counter's first sample is in Prometheus before it moves. */
const twoScrapes = () => new Promise((r) => setTimeout(r, 2_500));

async function scraping(app: TestApp, rules: MonitoringConfig): Promise<PromServer> {
  const prom = await startPrometheus(cfg.job, new URL(app.url).host, buildRuleFiles(rules));
  await waitFor(async () => (await prom.query(`up{job="${cfg.job}"} == 1`)).length > 0, 15_000, 200);
  return prom;
}

describe('success rate on a real Prometheus scraping the gateway', () => {
  const ALERT = 'FeexPayPaymentSuccessRateLow';
  const k = cfg.payments.successRate;
  const windowSeconds = durationSeconds(k.window);
  // Enough failures over the window to pass the volume guard with a margin, and enough successes
  // afterwards to lift the window's ratio back over the floor.
  const FAILURES = Math.ceil(k.minRatePerSecond * windowSeconds * 1.3);
  const SUCCESSES = Math.ceil(((FAILURES * k.threshold) / (1 - k.threshold)) * 1.15);
  let app: TestApp | undefined;
  let prom: PromServer | undefined;
  const ratio = () => value(prom!, `${recorded.paymentSuccessRatio(k.window)}{job="${cfg.job}"}`);

  before(async () => {
    app = await startTestApp('monitoring-e2e', APP_ENV);
  });
  after(async () => {
    await prom?.stop();
    await app?.close();
  });

  test(`${ALERT} goes pending on failures and clears on recovery`, { timeout: 120_000 }, async (t) => {
    if (!(await requireTool(t, 'prometheus'))) return;
    prom = await scraping(app!, cfg);

    // One of each outcome first: a counter's first sample is its baseline for rate().
    await pay(app!, '03', 1);
    await pay(app!, '00', 1);
    await twoScrapes();
    // Half of two payments failed: the quiet-night case, kept silent by the volume guard.
    assert.equal(await alertState(prom, ALERT), undefined, 'quiet at low volume');

    await pay(app!, '03', FAILURES);
    await waitFor(async () => (await alertState(prom!, ALERT)) === 'pending', 20_000, 250);
    assert.ok((await ratio()) < k.threshold);

    await pay(app!, '00', SUCCESSES);
    await waitFor(async () => (await ratio()) > k.threshold, 30_000, 250);
    await waitFor(async () => (await alertState(prom!, ALERT)) === undefined, 10_000, 250);
  });
});

describe('FeexPay failing fast (503 to everything) on a real Prometheus', () => {
  const ALERT = 'FeexPayApiErrorsHigh';
  const k = cfg.feexpay.errorRatio;
  // Production window, threshold and guard; a `for` of seconds so firing is seen within the test.
  const FOR = '10s';
  const rules: MonitoringConfig = { ...cfg, feexpay: { ...cfg.feexpay, errorRatio: { ...k, for: FOR } } };
  // Calls over the window the guard needs, with a margin: a young series' rate divides by the whole window.
  const FAILED_CALLS = Math.ceil(k.minRatePerSecond * durationSeconds(k.window) * 1.5);
  let app: TestApp | undefined;
  let prom: PromServer | undefined;

  before(async () => {
    app = await startTestApp('monitoring-e2e-503', APP_ENV);
  });
  after(async () => {
    app?.simulator.setDownMode('off');
    await prom?.stop();
    await app?.close();
  });

  test(`${ALERT} goes pending, then firing, while clients get no 5xx`, { timeout: 120_000 }, async (t) => {
    if (!(await requireTool(t, 'prometheus'))) return;
    prom = await scraping(app!, rules);
    const ratio = () => value(prom!, `${recorded.feexpayErrorRatio(k.window)}{job="${cfg.job}",operation="request_to_pay"}`);

    // Baselines: one answered call, then one failed call, so both counters exist before they move.
    await pay(app!, '00', 1);
    app!.simulator.setDownMode('503');
    await pay(app!, '00', 1);
    await twoScrapes();
    assert.equal(await alertState(prom, ALERT), undefined, 'quiet night: one failed call is below the volume guard');

    const start = Date.now();
    // pay() asserts every answer is below 300: FeexPay's outage reaches clients as pending payments.
    await pay(app!, '00', FAILED_CALLS);
    await waitFor(async () => (await alertState(prom!, ALERT)) === 'pending', 20_000, 250);
    const pendingAfter = Date.now() - start;
    assert.ok((await ratio()) > k.threshold, 'the recorded error ratio is over the threshold');
    await waitFor(async () => (await alertState(prom!, ALERT)) === 'firing', 20_000 + durationSeconds(FOR) * 1000, 250);
    const firingAfter = Date.now() - start;
    assert.ok(firingAfter - pendingAfter >= durationSeconds(FOR) * 1000 - 1_500, `fired ${firingAfter - pendingAfter} ms after pending (for ${FOR})`);
    const [row] = await prom.query(`ALERTS{alertname="${ALERT}",alertstate="firing"}`);
    assert.equal(row?.metric.operation, 'request_to_pay');
    assert.equal(row?.metric.severity, k.severity);
    t.diagnostic(`${FAILED_CALLS} failed calls: pending after ${pendingAfter} ms, firing after ${firingAfter} ms (for ${FOR})`);

    // The dashboards' top row reads the same outage from the per-replica recordings: FeexPay's
    // error share is all but total, our own 5xx share is zero.
    const board = buildDashboards()[`${PAYMENTS_UID}.json`] as unknown as DashboardJson;
    const panel = (title: string) => board.panels.find((p) => p.title === title)?.targets?.[0]?.expr ?? '';
    const allSelected = (expr: string) => expr.replace(/\$namespace/g, '.*').replace(/\$(job|instance|network)/g, '.+');
    const [feexpay] = await prom.query(allSelected(panel('FeexPay errors (5m)')));
    assert.equal(feexpay?.metric.operation, 'request_to_pay');
    assert.ok(Number(feexpay?.value[1]) > k.threshold, `panel reads ${feexpay?.value[1]}`);
    const [api] = await prom.query(allSelected(panel('API 5xx (5m)')));
    assert.equal(Number(api?.value[1]), 0, "no 5xx from us during FeexPay's outage");
  });
});
