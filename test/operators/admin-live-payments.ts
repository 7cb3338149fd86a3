/**
 * Payments made through the real API, settled by the in-process FeexPay simulator (the phone's
 * last two digits choose the outcome), for the admin tests that check the per-network table,
 * today's total, stuck payments and search against what really went through the service.
 */
import assert from 'node:assert/strict';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { beninPhone, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

export interface Made {
  id: string;
  network: string;
  amount: number;
  /** Simulator suffix: 00 succeeds, 01 fails, 04 stays pending. */
  outcome: '00' | '01' | '04';
  mode: 'live' | 'test';
  phone: string;
  status: string;
  feexpay_reference: string | null;
  created_at: Date;
}

export const MERCHANT_NAME = 'Marche Central Cotonou';

/** The plan: mtn all successful, moov mostly failing, one live payment stuck, one test payment. */
export const PLAN: Omit<Made, 'id' | 'phone' | 'status' | 'feexpay_reference' | 'created_at'>[] = [
  { network: 'mtn', amount: 1000, outcome: '00', mode: 'live' },
  { network: 'mtn', amount: 2000, outcome: '00', mode: 'live' },
  { network: 'mtn', amount: 3000, outcome: '00', mode: 'live' },
  { network: 'moov', amount: 1500, outcome: '01', mode: 'live' },
  { network: 'moov', amount: 1600, outcome: '01', mode: 'live' },
  { network: 'moov', amount: 1700, outcome: '01', mode: 'live' },
  { network: 'moov', amount: 500, outcome: '00', mode: 'live' },
  { network: 'mtn', amount: 4000, outcome: '04', mode: 'live' },
  { network: 'mtn', amount: 9999, outcome: '00', mode: 'test' },
];

/** Makes PLAN's payments, waits until the simulator settled each one, then makes the 04 one stuck. */
export async function makePayments(t: TestApp): Promise<Made[]> {
  const { apiKey, testApiKey } = await createMerchant(t.database.db, MERCHANT_NAME);
  const made: Made[] = [];
  for (const [i, p] of PLAN.entries()) {
    const phone = beninPhone(p.outcome, 300 + i);
    const res = await call(t.url, 'POST', '/v1/payments', {
      body: { amount: p.amount, currency: 'XOF', network: p.network, phone_number: phone },
      apiKey: p.mode === 'live' ? apiKey : testApiKey,
      headers: { 'idempotency-key': newKey('admin-live') },
    });
    assert.ok(res.status === 201 || res.status === 200, JSON.stringify(res.body));
    made.push({ ...p, id: res.body.id, phone, status: 'pending', feexpay_reference: null, created_at: new Date() });
  }
  for (const m of made) {
    const row = await waitFor(async () => {
      const r = await t.database.db('payments').where({ id: m.id }).first();
      return (m.outcome === '04' ? r.feexpay_reference !== null : r.status !== 'pending') && r;
    }, 15_000);
    Object.assign(m, { status: row.status, feexpay_reference: row.feexpay_reference, created_at: new Date(row.created_at) });
  }
  // Past its deadline and still pending: what the dashboard calls stuck.
  const stuck = made.find((m) => m.outcome === '04')!;
  await t.database
    .db('payments')
    .where({ id: stuck.id })
    .update({ expires_at: new Date(Date.now() - 60_000) });
  return made;
}

/** What one network's row must say, from the payments made and the statuses they reached. */
export function expectedRow(payments: Made[], network: string) {
  const own = payments.filter((p) => p.network === network);
  const count = (s: string) => own.filter((p) => p.status === s).length;
  const ok = own.filter((p) => p.status === 'successful');
  const decided = count('successful') + count('failed') + count('expired');
  return {
    payments: own.length,
    successful: count('successful'),
    failed: count('failed'),
    pending: count('pending'),
    success_rate: decided ? count('successful') / decided : null,
    collected: ok.length ? [{ currency: 'XOF', count: ok.length, amount: ok.reduce((n, p) => n + p.amount, 0) }] : [],
  };
}
