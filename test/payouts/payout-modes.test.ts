/**
 * Live and test payouts against a (simulated) live FeexPay: a live key's payout reaches that
 * FeexPay and its latency is observed; a test key's reaches only the built-in simulator, is seen by
 * test keys only, and moves no money metric, report or audit line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportAuditTrail } from '../../src/audit/export.ts';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { buildWeeklyReport } from '../../src/reports/report.ts';
import { pastWeek } from '../../src/reports/week.ts';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { payoutBody } from './helpers.ts';

let live: RunningSimulator;
let t: TestApp;
let keys: { live: string; test: string };
before(async () => {
  live = await startSimulator({ port: 0, settleDelayMs: 30 });
  t = await startTestApp('payout-modes', { RECONCILE_AFTER_MS: '0', FEEXPAY_REQUEST_TIMEOUT_MS: '10000' }, undefined, live);
  t.app.feexpaySimulator.setSettleDelay(30);
  const m = await createMerchant(t.database.db, 'two modes', ['payments', 'payouts']);
  keys = { live: m.apiKey, test: m.testApiKey };
});
after(async () => {
  await t.close();
  await live.close();
});

const post = (apiKey: string, serial: number) => call(t.url, 'POST', '/v1/payouts', { apiKey, body: payoutBody('00', serial), headers: { 'idempotency-key': newKey('mode') } });

test('a live payout goes to the live FeexPay and is observed; a test payout only to the built-in simulator', async () => {
  const a = await post(keys.live, 70);
  const b = await post(keys.test, 71);
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(live.engine.payouts.byCallbackInfo(a.body.id).requests, 1);
  assert.equal(live.engine.payouts.byCallbackInfo(b.body.id).requests, 0, 'a test payout never reaches FeexPay');
  assert.equal(t.app.feexpaySimulator.payouts.byCallbackInfo(b.body.id).requests, 1);
  await waitFor(
    async () => {
      await t.app.payouts.reconciler.runOnce();
      const rows = await t.database.db('payouts').whereIn('id', [a.body.id, b.body.id]);
      return rows.every((r) => r.status === 'successful');
    },
    8_000,
    60,
  );

  // Each key sees its own mode only.
  assert.equal((await call(t.url, 'GET', `/v1/payouts/${a.body.id}`, { apiKey: keys.test })).status, 404);
  assert.equal((await call(t.url, 'GET', `/v1/payouts/${b.body.id}`, { apiKey: keys.live })).status, 404);
  const listed = await call(t.url, 'GET', '/v1/payouts', { apiKey: keys.test });
  assert.deepEqual(
    listed.body.data.map((p: { id: string }) => p.id),
    [b.body.id],
  );

  const text = await (await fetch(`${t.url}/metrics`)).text();
  assert.match(text, /feexpay_api_request_duration_seconds_count\{operation="payout",outcome="ok"\} 1\n/);
  assert.match(text, /feexpay_api_request_duration_seconds_count\{operation="payout_status",outcome="ok"\} \d/);
  assert.match(text, /feexpay_payouts_requested_total\{network="mtn"\} 1\n/, 'the test payout is not counted');
  assert.match(text, /feexpay_payouts_amount_total\{network="mtn",currency="XOF"\} 1000\n/);

  const week = pastWeek(new Date(Date.now() + 7 * 86_400_000));
  const r = await buildWeeklyReport(t.database.db, week, { prometheusUrl: null, alertmanagerUrl: null });
  assert.equal(r.payouts.total, 1, 'the weekly report holds live payouts only');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-modes-'));
  try {
    const today = new Date().toISOString().slice(0, 10);
    const { manifest } = await exportAuditTrail(t.database.db, { from: today, to: today, out: path.join(dir, 'e.jsonl') });
    assert.equal(manifest.payouts?.count, 2, "the live payout's two events only");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the same Idempotency-Key in test and live mode is two keys, and test payouts have their own cap', async () => {
  const key = newKey('both');
  const a = await call(t.url, 'POST', '/v1/payouts', { apiKey: keys.live, body: payoutBody('04', 72), headers: { 'idempotency-key': key } });
  const b = await call(t.url, 'POST', '/v1/payouts', { apiKey: keys.test, body: payoutBody('04', 72), headers: { 'idempotency-key': key } });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.notEqual(a.body.id, b.body.id);
  const totals = await t.database.db('payout_daily_totals').where({ currency: 'XOF' }).orderBy('livemode');
  assert.deepEqual(
    totals.map((r) => [r.livemode, Number(r.amount)]),
    [
      [false, 2000],
      [true, 2000],
    ],
  );
});
