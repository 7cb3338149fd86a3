/**
 * Shared by the tests of the reconcilers' bounds: a service in front of a stand-alone simulator
 * (so `setDownMode('hang')` holds every FeexPay call for the whole status timeout), and pending
 * payments or payouts FeexPay keeps pending (numbers ending in 04), each with its reference.
 */
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { beninPhone, startTestApp, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

export async function startBehindSimulator(name: string, statusTimeoutMs: number, batchSize: number): Promise<{ sim: RunningSimulator; t: TestApp }> {
  const sim = await startSimulator({ settleDelayMs: 50 });
  const t = await startTestApp(
    name,
    { FEEXPAY_STATUS_TIMEOUT_MS: String(statusTimeoutMs), RECONCILER_BATCH_SIZE: String(batchSize), RECONCILER_INTERVAL_MS: '50', PAYMENT_DEADLINE_MS: '3600000' },
    undefined,
    sim,
  );
  return { sim, t };
}

/** Creates `n` payments or payouts over HTTP, 20 at a time, each answered 201 and pending. */
export async function createPending(t: TestApp, path: '/v1/payments' | '/v1/payouts', n: number, apiKey = t.apiKey): Promise<void> {
  for (let i = 0; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, async (_, k) => {
        const res = await call(t.url, 'POST', path, {
          body: { amount: 1000, currency: 'XOF', network: 'mtn', phone_number: beninPhone('04', i + k), ...(path === '/v1/payouts' ? { motif: 'Refund order 42' } : {}) },
          apiKey,
          headers: { 'idempotency-key': newKey('pending') },
        });
        assert.equal(res.status, 201, `${path}: ${JSON.stringify(res.body)}`);
      }),
    );
  }
}
