/** Payouts where operators look: the audit export's chain, the weekly report, /admin and /metrics. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportAuditTrail } from '../../src/audit/export.ts';
import { verifyAuditExport } from '../../src/audit/verify.ts';
import { buildWeeklyReport } from '../../src/reports/report.ts';
import { renderCsv } from '../../src/reports/render-csv.ts';
import { renderHtml } from '../../src/reports/render-html.ts';
import { renderSlack } from '../../src/reports/render-slack.ts';
import { pastWeek } from '../../src/reports/week.ts';
import { waitFor } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { payoutBody, postPayout, startPayoutApp, type PayoutTestApp } from './helpers.ts';

const ADMIN = { user: 'ops', password: 'correct horse battery staple' };
const asAdmin = { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` };
let t: PayoutTestApp;
let dir: string;
const ids: Record<string, string> = {};

before(async () => {
  t = await startPayoutApp('payout-operators', { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-payout-audit-'));
  for (const [name, outcome, amount] of [
    ['paid', '00', 1500],
    ['refused', '03', 700],
    ['waiting', '04', 300],
    ['unknown', '06', 200],
  ] as const) {
    ids[name] = (await postPayout(t, payoutBody(outcome, 50, { amount }))).body.id;
  }
  await waitFor(
    async () => {
      await t.app.payouts.reconciler.runOnce();
      return (await t.app.payouts.repo.findById(ids.paid!))?.status === 'successful';
    },
    8_000,
    60,
  );
  await t.app.payouts.reconciler.refreshGauges();
});
after(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every payout event is in the audit export, in the same hash chain, and tampering with one shows', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const out = path.join(dir, 'events.jsonl');
  const { manifest } = await exportAuditTrail(t.database.db, { from: today, to: today, out });
  const payoutEvents = Number((await t.database.db('payout_events').count<{ c: number }[]>('* as c'))[0]!.c);
  const paymentEvents = Number((await t.database.db('payment_events').count<{ c: number }[]>('* as c'))[0]!.c);
  assert.equal(payoutEvents, 4 + 3, '4 creations, then successful, failed, needs_review');
  assert.equal(manifest.payouts?.count, payoutEvents);
  assert.equal(manifest.count, paymentEvents + payoutEvents);
  const lines = fs
    .readFileSync(out, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  const payoutLines = lines.filter((l) => l.stream === 'payout');
  assert.deepEqual(new Set(payoutLines.map((l) => l.payout_id)), new Set(Object.values(ids)));
  assert.ok(payoutLines.some((l) => l.payout_id === ids.refused && l.to_status === 'failed' && l.detail.failure_reason === 'insufficient_funds'));
  assert.equal((await verifyAuditExport(out)).ok, true);

  const i = lines.findIndex((l) => l.stream === 'payout' && l.to_status === 'successful');
  const edited = lines.map((l, n) => JSON.stringify(n === i ? { ...l, detail: { ...l.detail, note: 'x' } } : l));
  fs.writeFileSync(out, edited.join('\n') + '\n');
  const tampered = await verifyAuditExport(out);
  assert.equal(tampered.ok, false);
  assert.ok(
    tampered.problems.some((p) => p.includes(`line ${i + 1}`)),
    tampered.problems.join('; '),
  );
});

test('the weekly report counts payouts by status and what was paid out, in HTML, CSV and Slack', async () => {
  const week = pastWeek(new Date(Date.now() + 7 * 86_400_000));
  const r = await buildWeeklyReport(t.database.db, week, { prometheusUrl: null, alertmanagerUrl: null });
  assert.deepEqual(r.payouts.byStatus, { pending: 1, successful: 1, failed: 1, needs_review: 1 });
  assert.equal(r.payouts.total, 4);
  assert.deepEqual(r.payouts.paidOut, [{ currency: 'XOF', network: 'mtn', count: 1, amount: 1500 }]);
  assert.match(renderHtml(r), /Payouts \(money sent out\)[\s\S]*1,500/);
  assert.match(renderCsv(r), /paid_out,by_network,XOF,mtn,1,1500/);
  assert.match(renderSlack(r).text, /Payouts: 4 · paid out 1,500 XOF · failed 1 · under review 1/);
});

test('/admin shows payouts in the period, by status, and the amount paid out', async () => {
  const { status, body } = await call(t.url, 'GET', '/admin/api/summary', { headers: asAdmin });
  assert.equal(status, 200);
  assert.equal(body.payouts.payouts, 4);
  assert.deepEqual(body.payouts.by_status, { pending: 1, successful: 1, failed: 1, needs_review: 1 });
  assert.deepEqual(body.payouts.paid_out, [{ currency: 'XOF', count: 1, amount: 1500 }]);
  const page = await fetch(`${t.url}/admin`, { headers: asAdmin });
  assert.match(await page.text(), /id="payout-status"/);
  const items = await call(t.url, 'GET', '/admin/api/review-items?open=true', { headers: asAdmin });
  assert.equal(items.status, 200);
  const item = items.body.data.find((i: { payout_id: string | null }) => i.payout_id === ids.unknown);
  assert.equal(item?.cause, 'no_reference');
});

test('an operator decides a payout under review from the admin API; the decision is audited with the name', async () => {
  const decide = (id: string, body: unknown) => call(t.url, 'POST', `/admin/api/payouts/${id}/decision`, { headers: asAdmin, body });
  const decision = { status: 'failed', operator: 'ops-anna', reason: 'FeexPay support: never sent' };
  assert.equal((await decide(ids.waiting!, decision)).status, 409, 'a pending payout is not decided by hand');
  assert.equal((await decide(crypto.randomUUID(), decision)).status, 404);
  const done = await decide(ids.unknown!, decision);
  assert.equal(done.status, 200);
  assert.equal(done.body.payout_status, 'failed');
  const last = await t.database.db('payout_events').where({ payout_id: ids.unknown }).orderBy('id', 'desc').first();
  assert.equal(last.source, 'operator');
  assert.equal(last.detail.operator, 'ops-anna');
  assert.equal((await t.database.db('review_items').where({ payout_id: ids.unknown }).whereNull('resolved_at')).length, 0);
});

test('/metrics has the payout series: requested, outcomes, amount, pending gauge', async () => {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  assert.match(text, /feexpay_payouts_requested_total\{network="mtn"\} 4/);
  assert.match(text, /feexpay_payouts_outcomes_total\{network="mtn",outcome="successful",reason="none"\} 1/);
  assert.match(text, /feexpay_payouts_outcomes_total\{network="mtn",outcome="failed",reason="insufficient_funds"\} 1/);
  assert.match(text, /feexpay_payouts_outcomes_total\{network="mtn",outcome="needs_review",reason="none"\} 1/);
  assert.match(text, /feexpay_payouts_amount_total\{network="mtn",currency="XOF"\} 1500/);
  assert.match(text, /feexpay_payouts_pending\{network="mtn"\} 1/);
  assert.match(text, /feexpay_payouts_oldest_pending_age_seconds \d/);
  // No phone number in any label.
  assert.doesNotMatch(text, /22901\d{8}/);
});
