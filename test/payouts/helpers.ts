/** A service with payouts enabled for one merchant, on its own database, with the in-process simulator. */
import { createMerchant } from '../../src/merchants/merchants.ts';
import type { PayoutSimulator } from '../../src/feexpay/simulator/payouts.ts';
import { beninPhone, startTestApp, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

export interface PayoutTestApp extends TestApp {
  /** A key with both scopes (the default test merchant's key has payments only). */
  payoutKey: string;
  payoutMerchantId: string;
  sim: PayoutSimulator;
}

export async function startPayoutApp(name: string, env: Record<string, string> = {}): Promise<PayoutTestApp> {
  const t = await startTestApp(name, { RECONCILE_AFTER_MS: '0', FEEXPAY_REQUEST_TIMEOUT_MS: '3000', ...env });
  const { merchant, apiKey } = await createMerchant(t.database.db, `payer ${name}`, ['payments', 'payouts']);
  return { ...t, payoutKey: apiKey, payoutMerchantId: merchant.id, sim: t.app.feexpaySimulator!.payouts };
}

export const payoutBody = (outcome: string, serial = 0, over: Record<string, unknown> = {}) => ({
  amount: 1000,
  currency: 'XOF',
  network: 'mtn',
  phone_number: beninPhone(outcome, serial),
  motif: 'Refund order 42',
  ...over,
});

export function postPayout(t: PayoutTestApp, body: unknown, key = newKey('payout'), apiKey = t.payoutKey) {
  return call(t.url, 'POST', '/v1/payouts', { body, apiKey, headers: { 'idempotency-key': key } });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
