/**
 * End to end: a real Prometheus scrapes a running gateway with the generated rule files loaded.
 * Failures driven through the FeexPay simulator push the payment success rate under its floor and
 * FeexPayPaymentSuccessRateLow goes pending; successes bring it back and the alert clears. Uses
 * the production rules as shipped (30m window, volume guard), so the volumes below are what it takes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildRuleFiles, durationSeconds, monitoringConfig, recorded } from '../../alerts/index.ts';
import { beninPhone, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { requireTool } from './helpers.ts';
import { startPrometheus, type PromServer } from './prometheus.ts';

const ALERT = 'FeexPayPaymentSuccessRateLow';
const cfg = monitoringConfig;
const windowSeconds = durationSeconds(cfg.payments.successRate.window);
// Enough failures over the window to pass the volume guard with a margin, and enough successes
// afterwards to lift the window's ratio back over the floor.
const FAILURES = Math.ceil(cfg.payments.successRate.minRatePerSecond * windowSeconds * 1.3);
const SUCCESSES = Math.ceil((FAILURES * cfg.payments.successRate.threshold) / (1 - cfg.payments.successRate.threshold) * 1.15);

let app: TestApp | undefined;
let prom: PromServer | undefined;
let serial = 0;

/** Creates `n` payments whose simulator outcome is `outcome` (last two phone digits), 20 at a time. */
async function pay(outcome: '00' | '03', n: number): Promise<void> {
  for (let done = 0; done < n; ) {
    const batch = Math.min(20, n - done);
    const answers = await Promise.all(
      Array.from({ length: batch }, () =>
        call(app!.url, 'POST', '/v1/payments', {
          body: { amount: 500, currency: 'XOF', network: 'mtn', phone_number: beninPhone(outcome, ++serial) },
          apiKey: app!.apiKey,
          headers: { 'idempotency-key': newKey('e2e') },
        }),
      ),
    );
    for (const a of answers) assert.ok(a.status < 300, `payment answered ${a.status}: ${JSON.stringify(a.body)}`);
    done += batch;
  }
}

async function alertState(): Promise<string | undefined> {
  const rows = await prom!.query(`ALERTS{alertname="${ALERT}"}`);
  return rows[0]?.metric.alertstate;
}

async function ratio(): Promise<number> {
  const rows = await prom!.query(`${recorded.paymentSuccessRatio(cfg.payments.successRate.window)}{job="${cfg.job}"}`);
  return rows.length ? Number(rows[0]!.value[1]) : Number.NaN;
}

/** Waits two scrapes, so a counter's first sample is in Prometheus before it moves. */
const twoScrapes = () => new Promise((r) => setTimeout(r, 2_500));

describe('generated rules on a real Prometheus scraping the gateway', () => {
  before(async () => {
    app = await startTestApp('monitoring-e2e', { RATE_LIMIT_PER_PHONE_PER_HOUR: '10000', RATE_LIMIT_PER_KEY_PER_MINUTE: '100000' });
  });
  after(async () => {
    await prom?.stop();
    await app?.close();
  });

  test(`${ALERT} goes pending on failures and clears on recovery`, { timeout: 120_000 }, async (t) => {
    if (!(await requireTool(t, 'prometheus'))) return;
    prom = await startPrometheus(cfg.job, new URL(app!.url).host, buildRuleFiles());
    await waitFor(async () => (await prom!.query(`up{job="${cfg.job}"} == 1`)).length > 0, 15_000, 200);

    // One of each outcome first: a counter's first sample is its baseline for rate().
    await pay('03', 1);
    await pay('00', 1);
    await twoScrapes();
    // Half of two payments failed: the quiet-night case, kept silent by the volume guard.
    assert.equal(await alertState(), undefined, 'quiet at low volume');

    await pay('03', FAILURES);
    await waitFor(async () => (await alertState()) === 'pending', 20_000, 250);
    assert.ok((await ratio()) < cfg.payments.successRate.threshold);

    await pay('00', SUCCESSES);
    await waitFor(async () => (await ratio()) > cfg.payments.successRate.threshold, 30_000, 250);
    await waitFor(async () => (await alertState()) === undefined, 10_000, 250);
  });
});
