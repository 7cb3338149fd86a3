/**
 * Shared by the fault tests: creating payments over HTTP, reading counters out of /metrics, and
 * the one rule every fault test ends on: a payment's final state is what FeexPay itself knows.
 */
import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import type { SimulatorControl } from '../../src/feexpay/simulator/index.ts';
import { call } from '../helpers/http.ts';

export interface Acknowledged {
  id: string;
  key: string;
  status: number;
}

export type CreateOutcome =
  | { kind: 'ok'; status: number; body: { id: string; status: string; feexpay_reference: string | null } }
  | { kind: 'error'; status: number; code: string }
  | { kind: 'no_answer'; error: string };

/** One POST /v1/payments, with every outcome (including a dead connection) as a value. */
export async function createPayment(base: string, apiKey: string, key: string, phone: string, amount = 1500): Promise<CreateOutcome> {
  try {
    const r = await call(base, 'POST', '/v1/payments', {
      body: { amount, currency: 'XOF', network: 'mtn', phone_number: phone },
      apiKey,
      headers: { 'idempotency-key': key },
    });
    if (r.status >= 200 && r.status < 300) return { kind: 'ok', status: r.status, body: r.body };
    return { kind: 'error', status: r.status, code: String(r.body?.error?.code) };
  } catch (err) {
    return { kind: 'no_answer', error: (err as Error).message };
  }
}

/** Sum of the samples of one series family whose labels include all of `labels`. */
export function metricValue(text: string, series: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(series + '{') && !line.startsWith(series + ' ')) continue;
    const labelText = line.slice(series.length).match(/^\{([^}]*)\}/)?.[1] ?? '';
    const found = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(line.split(' ').at(-1));
  }
  return total;
}

export async function scrape(base: string): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

/**
 * What the payment must end as: FeexPay's final word, or needs_review when FeexPay never had it
 * (the service cannot know that: the request may have reached FeexPay).
 */
export function expectedFinal(sim: SimulatorControl, paymentId: string): 'successful' | 'failed' | 'needs_review' | 'pending' {
  const known = sim.byCallbackInfo(paymentId).payments;
  if (known.length === 0) return 'needs_review';
  assert.ok(known.length === 1, `FeexPay was asked ${known.length} times to collect payment ${paymentId}`);
  const status = known[0]!.status;
  if (status === 'SUCCESSFUL') return 'successful';
  if (status === 'FAILED' || status === 'CANCELLED') return 'failed';
  return 'pending';
}

export interface StoredPayment {
  id: string;
  status: string;
  feexpay_reference: string | null;
}

export async function storedPayments(db: Knex, ids: string[]): Promise<Map<string, StoredPayment>> {
  const rows = await db<StoredPayment>('payments').whereIn('id', ids).select('id', 'status', 'feexpay_reference');
  return new Map(rows.map((r) => [r.id, r]));
}

/** Every acknowledged payment is stored, and ends where FeexPay says it should. */
export async function assertSettledAsFeexPaySays(db: Knex, sim: SimulatorControl, ids: string[]): Promise<void> {
  const stored = await storedPayments(db, ids);
  for (const id of ids) {
    const row = stored.get(id);
    assert.ok(row, `acknowledged payment ${id} is not in the database`);
    assert.equal(row.status, expectedFinal(sim, id), `payment ${id} (reference ${row.feexpay_reference})`);
  }
}

/** The misrecording this service exists to avoid: money collected, payment recorded expired. */
export async function assertNoExpiredSuccess(db: Knex, sim: SimulatorControl, ids: string[]): Promise<void> {
  const expired = await db('payments').whereIn('id', ids).where('status', 'expired').select('id');
  for (const { id } of expired) {
    const atFeexPay = sim.byCallbackInfo(id).payments.map((p) => p.status);
    assert.ok(!atFeexPay.includes('SUCCESSFUL'), `payment ${id} is expired while FeexPay holds it SUCCESSFUL`);
  }
}

export async function allFinal(db: Knex, ids: string[]): Promise<boolean> {
  const rows = await db('payments').whereIn('id', ids).where('status', 'pending').count<{ n: number }[]>('* as n');
  return Number(rows[0]?.n) === 0;
}

/** Benin MTN numbers whose last two digits pick the simulator's scenario; serials keep them apart. */
let serial = 0;
export function phoneFor(outcome: string): string {
  serial += 1;
  return `22901${String(600_000 + serial).slice(-6)}${outcome}`;
}
