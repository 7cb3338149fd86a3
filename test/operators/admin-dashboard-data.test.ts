/**
 * The dashboard's operator figures against payments made through the real API and settled by
 * the simulator: the per-network table (mtn succeeding, moov failing), today's total, stuck
 * pending payments, search by payment id or FeexPay reference, and a period over 92 days
 * answered on the page. Expected figures are computed here from the plan and the statuses the
 * payments reached, not read back from the code under test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { ADMIN, asAdmin } from '../service/payment-truth-helpers.ts';
import { expectedRow, makePayments, MERCHANT_NAME, type Made } from './admin-live-payments.ts';

let t: TestApp;
let made: Made[];

before(async () => {
  t = await startTestApp('admin-dashboard-data', { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password });
  made = await makePayments(t);
});
after(async () => t.close());

interface Row {
  network: string;
  payments: number;
  by_status: Record<string, number>;
  success_rate: number | null;
  collected: { currency: string; amount: number; count: number }[];
  low_success_rate: boolean;
}

const summary = async (query = '') => {
  const res = await call(t.url, 'GET', `/admin/api/summary${query}`, { headers: asAdmin });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

describe('the simulator settled the payments as planned', () => {
  test('00 succeeds, 01 fails, 04 stays pending', () => {
    const want: Record<string, string> = { '00': 'successful', '01': 'failed', '04': 'pending' };
    for (const m of made) assert.equal(m.status, want[m.outcome], `${m.network} ${m.outcome}`);
  });
});

describe('per-network table', () => {
  test('counts, success rate and amounts per network, live payments only; the failing network is flagged', async () => {
    const body = await summary();
    const live = made.filter((m) => m.mode === 'live');
    const rows = body.period.by_network as Row[];
    assert.deepEqual(
      rows.map((r) => r.network),
      ['moov', 'mtn'],
    );
    for (const r of rows) {
      const want = expectedRow(live, r.network);
      assert.equal(r.payments, want.payments, r.network);
      assert.equal(r.by_status.successful, want.successful, r.network);
      assert.equal(r.by_status.failed, want.failed, r.network);
      assert.equal(r.by_status.pending, want.pending, r.network);
      assert.equal(r.success_rate, want.success_rate, r.network);
      assert.deepEqual(r.collected, want.collected, r.network);
    }
    // The plan: three mtn successes (and one stuck), moov one success in four.
    const byName = Object.fromEntries(rows.map((r) => [r.network, r]));
    assert.deepEqual([byName.mtn!.success_rate, byName.mtn!.low_success_rate], [1, false]);
    assert.deepEqual([byName.moov!.success_rate, byName.moov!.low_success_rate], [0.25, true]);
    assert.equal(
      rows.reduce((n, r) => n + r.payments, 0),
      body.period.payments,
      'the rows add up to the period',
    );
  });

  test('the network filter keeps its row only; test data gets its own table', async () => {
    const moov = await summary('?network=moov');
    assert.deepEqual(
      (moov.period.by_network as Row[]).map((r) => r.network),
      ['moov'],
    );
    const test = await summary('?mode=test');
    const rows = test.period.by_network as Row[];
    const want = expectedRow(
      made.filter((m) => m.mode === 'test'),
      'mtn',
    );
    assert.deepEqual(
      rows.map((r) => [r.network, r.payments, r.success_rate, r.collected]),
      [['mtn', want.payments, want.success_rate, want.collected]],
    );
  });
});

describe("today's total and stuck payments", () => {
  test('today: live payments created since midnight UTC, and what they collected', async () => {
    const body = await summary();
    const midnight = new Date(`${body.generated_at.slice(0, 10)}T00:00:00Z`);
    const today = made.filter((m) => m.mode === 'live' && m.created_at >= midnight);
    const ok = today.filter((m) => m.status === 'successful');
    assert.equal(body.today.day, body.generated_at.slice(0, 10));
    assert.equal(body.today.payments, today.length);
    assert.equal(body.today.by_status.successful, ok.length);
    assert.deepEqual(body.today.collected, ok.length ? [{ currency: 'XOF', count: ok.length, amount: ok.reduce((n, m) => n + m.amount, 0) }] : []);
  });

  test('a payment pending past its deadline is counted, dated and listed; not in test data', async () => {
    const stuck = made.find((m) => m.outcome === '04')!;
    const row = await t.database.db('payments').where({ id: stuck.id }).first();
    const body = await summary();
    assert.deepEqual([body.stuck_pending.count, body.stuck_pending.more], [1, false]);
    assert.equal(body.stuck_pending.oldest_created_at, new Date(row.created_at).toISOString());
    assert.deepEqual(
      body.stuck_pending.payments.map((p: { id: string; amount: number }) => [p.id, p.amount]),
      [[stuck.id, stuck.amount]],
    );
    assert.equal((await summary('?network=moov')).stuck_pending.count, 0, 'the network filter applies');
    assert.equal((await summary('?mode=test')).stuck_pending.count, 0);
  });
});

describe('search by payment id or FeexPay reference', () => {
  test('the JSON API finds the payment from either, with its merchant and the last 4 digits only', async () => {
    for (const m of made.filter((p) => p.feexpay_reference)) {
      for (const [q, matched] of [
        [m.id, 'id'],
        [m.feexpay_reference!, 'feexpay_reference'],
      ] as const) {
        const res = await call(t.url, 'GET', `/admin/api/payments?q=${encodeURIComponent(q)}`, { headers: asAdmin });
        assert.equal(res.status, 200);
        assert.equal(res.body.data.length, 1, q);
        const found = res.body.data[0];
        assert.deepEqual(
          [found.id, found.matched, found.mode, found.status, found.amount, found.network, found.merchant.name, found.phone_last4],
          [m.id, matched, m.mode, m.status, m.amount, m.network, MERCHANT_NAME, m.phone.slice(-4)],
        );
        assert.equal(JSON.stringify(res.body).includes(m.phone), false, 'no full phone number');
      }
    }
    const none = await call(t.url, 'GET', '/admin/api/payments?q=00000000-0000-4000-8000-000000000000', { headers: asAdmin });
    assert.deepEqual([none.status, none.body.data], [200, []]);
    const bad = await call(t.url, 'GET', `/admin/api/payments?q=${encodeURIComponent("x' OR 1=1")}`, { headers: asAdmin });
    assert.deepEqual([bad.status, bad.body.error.code, bad.body.error.param], [400, 'validation_failed', 'query.q']);
  });

  test('the page shows the payment found by id or by reference, a clear "not found", and a hint for bad input', async () => {
    const m = made.find((p) => p.network === 'moov' && p.status === 'failed')!;
    for (const q of [m.id, m.feexpay_reference!]) {
      const res = await fetch(`${t.url}/admin/payments?q=${encodeURIComponent(q)}`, { headers: asAdmin });
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.match(html, new RegExp(`data-payment="${m.id}"`));
      assert.ok(html.includes(MERCHANT_NAME) && html.includes(`…${m.phone.slice(-4)}`) && html.includes('failed'), q);
      assert.equal(html.includes(m.phone), false, 'no full phone number');
    }
    const missing = await fetch(`${t.url}/admin/payments?q=no-such-ref`, { headers: asAdmin });
    assert.match(await missing.text(), /id="not-found"[^>]*>No payment has the id or FeexPay reference <code>no-such-ref<\/code>/);
    const bad = await fetch(`${t.url}/admin/payments?q=${encodeURIComponent('<script>')}`, { headers: asAdmin });
    const badHtml = await bad.text();
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(badHtml, /role="alert">Enter a payment id/);
    assert.equal(badHtml.includes('<script>'), false, 'the input is escaped');
  });
});

describe('a period over 92 days', () => {
  test('the page answers 400 with the message and the form as typed, not JSON', async () => {
    const res = await fetch(`${t.url}/admin?from=2026-01-01&to=2026-12-31&network=moov`, { headers: asAdmin });
    const html = await res.text();
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(html, /role="alert">The period is at most 92 days; 2026-01-01 to 2026-12-31 is 365 days/);
    assert.match(html, /id="from" value="2026-01-01"/);
    assert.match(html, /<option value="moov" selected>/);
    assert.doesNotMatch(html, /"error":/);
  });

  test('92 days is accepted, 93 is not', async () => {
    const ok = await fetch(`${t.url}/admin?from=2026-01-01&to=2026-04-02`, { headers: asAdmin });
    assert.equal(ok.status, 200);
    const api = await call(t.url, 'GET', '/admin/api/summary?from=2026-01-01&to=2026-04-03', { headers: asAdmin });
    assert.deepEqual([api.status, api.body.error.code, api.body.error.param], [400, 'period_too_long', 'query.from']);
    assert.match(api.body.error.message, /at most 92 days/);
  });

  test('a field given twice is a 400 page naming it, never a 500 (found by the route fuzzer)', async () => {
    for (const query of ['from=&from=', 'to=2026-01-01&to=2026-01-02', 'network=mtn&network=moov', 'mode=test&mode=live']) {
      const res = await fetch(`${t.url}/admin?${query}`, { headers: asAdmin });
      assert.equal(res.status, 400, query);
      const name = query.split('=')[0]!;
      assert.match(await res.text(), new RegExp(`role="alert">&quot;${name}&quot; is given more than once`), query);
    }
  });
});

describe('many stuck payments', () => {
  test('the count stops at 1,000 and says there are more; the oldest is still the oldest', async () => {
    const merchant = made[0]!;
    const { merchant_id } = await t.database.db('payments').where({ id: merchant.id }).first('merchant_id');
    // 1,001 more, created 2 hours ago, deadline an hour ago: one statement, the triggers still run.
    await t.database.db.raw(
      `INSERT INTO payments (id, merchant_id, amount, currency, network, phone_number, status_source, next_check_at, expires_at, created_at)
       SELECT gen_random_uuid(), ?, 100 + i, 'XOF', 'mtn', '2290167000004', 'api', now(), now() - interval '1 hour', now() - interval '2 hours' - i * interval '1 second'
         FROM generate_series(1, 1001) AS i`,
      [merchant_id],
    );
    const oldest = await t.database.db('payments').where({ status: 'pending', livemode: true }).andWhere('expires_at', '<', new Date()).min('created_at as m').first();
    const body = await summary();
    assert.deepEqual([body.stuck_pending.count, body.stuck_pending.more], [1000, true]);
    assert.equal(body.stuck_pending.oldest_created_at, new Date(oldest!.m).toISOString());
    assert.equal(body.stuck_pending.payments.length, 20);
  });
});
