/**
 * /admin over real HTTP: its own credentials, its own security headers, and figures that equal
 * what the database holds. No personal data in any answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { DAY_MS, expected, seedAdminData, utcDay } from './admin-seed.ts';
import { PII, type SeedPayment } from './fixtures.ts';
import { explainTests } from './admin-explain.ts';
import { ERROR_CATALOGUE } from '../../src/schemas/errors.ts';

export const ADMIN = { user: 'ops', password: 'correct horse battery staple' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const asAdmin = { authorization: basic(ADMIN.user, ADMIN.password) };

let t: TestApp;
let seed: SeedPayment[];
const now = Date.now();
const today = new Date(`${utcDay(new Date(now))}T00:00:00Z`);

before(async () => {
  t = await startTestApp('admin-api', { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password });
  seed = await seedAdminData(t.database.db, now);
});
after(async () => t.close());

describe('admin access', () => {
  const cases: [string, Record<string, string>][] = [
    ['no credentials', {}],
    ['a wrong password', { authorization: basic(ADMIN.user, 'correct horse battery stapl') }],
    ['a wrong user', { authorization: basic('admin', ADMIN.password) }],
    ['a merchant API key', {}],
    ['a malformed header', { authorization: 'Basic !!!' }],
  ];
  for (const [what, headers] of cases) {
    test(`${what} gets a 401 and no data`, async () => {
      const h = what === 'a merchant API key' ? { authorization: `Bearer ${t.apiKey}` } : headers;
      for (const path of ['/admin', '/admin/api/summary', '/admin/assets/dashboard.js']) {
        const res = await call(t.url, 'GET', path, { headers: h });
        assert.equal(res.status, 401, path);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
        assert.deepEqual(Object.keys(res.body), ['error']);
      }
    });
  }

  test('the admin login opens nothing in the merchant API', async () => {
    const res = await call(t.url, 'GET', '/v1/payments', { headers: asAdmin });
    assert.equal(res.status, 401);
  });

  test("the page, assets and API set security headers; the merchant API gets its own, not the page's", async () => {
    for (const path of ['/admin', '/admin/api/summary', '/admin/assets/chart.umd.min.js']) {
      const res = await call(t.url, 'GET', path, { headers: asAdmin });
      assert.equal(res.status, 200, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    }
    const live = await call(t.url, 'GET', '/health/live');
    assert.equal(live.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'", "helmet stays inside /admin: the API's policy allows nothing");
  });

  test('the API is not cached; chart.js is served from the service itself', async () => {
    const api = await call(t.url, 'GET', '/admin/api/summary', { headers: asAdmin });
    assert.equal(api.headers.get('cache-control'), 'no-store');
    const chart = await fetch(`${t.url}/admin/assets/chart.umd.min.js`, { headers: asAdmin });
    assert.match(chart.headers.get('content-type') ?? '', /javascript/);
    assert.match(await chart.text(), /Chart/);
    const page = await fetch(`${t.url}/admin`, { headers: asAdmin });
    const html = await page.text();
    assert.doesNotMatch(html, /https?:\/\/(?!127\.0\.0\.1)/, 'no third-party URL in the page');
    assert.doesNotMatch(html, /<script>|<style>|style=|onclick=/i, 'nothing inline for the CSP to block');
    assert.equal((await call(t.url, 'GET', '/admin/assets/..%2Fpage.ts', { headers: asAdmin })).status, 404);
  });
});

describe('admin figures match the database', () => {
  test('last 24 hours: payments, success rate and collected amounts', async () => {
    const { body } = await call(t.url, 'GET', '/admin/api/summary', { headers: asAdmin });
    const want = expected(seed, new Date(body.generated_at ? Date.parse(body.generated_at) - DAY_MS : 0), new Date(Date.parse(body.generated_at) + 1));
    assert.equal(body.last_24h.payments, want.payments);
    assert.deepEqual(body.last_24h.by_status, want.byStatus);
    assert.equal(body.last_24h.success_rate, want.successRate);
    assert.deepEqual(body.last_24h.collected, want.collected);
    assert.deepEqual(body.last_24h.collected, [
      { currency: 'XAF', count: 1, amount: 700 },
      { currency: 'XOF', count: 3, amount: 5000 },
    ]);
    assert.equal(body.last_24h.success_rate, 4 / 6);
  });

  test('default period (14 days): per day, status share, totals per currency, latest failures', async () => {
    const { status, body } = await call(t.url, 'GET', '/admin/api/summary', { headers: asAdmin });
    assert.equal(status, 200);
    const gte = new Date(today.getTime() - 13 * DAY_MS);
    const want = expected(seed, gte, new Date(today.getTime() + DAY_MS));
    assert.deepEqual(body.filter, { from: utcDay(gte), to: utcDay(today), network: null, mode: 'live' });
    assert.equal(body.period.payments, want.payments);
    assert.equal(body.period.per_day.length, 14);
    assert.equal(
      body.period.per_day.reduce((n: number, d: { total: number }) => n + d.total, 0),
      want.payments,
    );
    for (const s of body.period.status_share) assert.equal(s.count, want.byStatus[s.status], s.status);
    assert.deepEqual(body.period.collected, want.collected);
    assert.deepEqual(
      body.latest_failures.map((f: { amount: number; network: string; failure_reason: string }) => ({ amount: f.amount, network: f.network, reason: f.failure_reason })),
      want.failures,
    );

    // The same figures straight from SQL, with no code of ours in between.
    const sql = await t.database.db('payments').where('created_at', '>=', gte).andWhere('status', 'successful').andWhere('currency', 'XOF').sum<{ s: string }[]>('amount as s');
    assert.equal(Number(sql[0]!.s), body.period.collected.find((c: { currency: string }) => c.currency === 'XOF').amount);
    const perDay = await t.database.db.raw(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n FROM payments WHERE created_at >= ? GROUP BY 1`,
      [gte],
    );
    for (const r of perDay.rows as { day: string; n: number }[]) {
      assert.equal(body.period.per_day.find((d: { day: string }) => d.day === r.day).total, r.n, r.day);
    }
  });

  test('filters by period and network', async () => {
    const from = utcDay(new Date(today.getTime() - 45 * DAY_MS));
    const to = utcDay(today);
    const all = await call(t.url, 'GET', `/admin/api/summary?from=${from}&to=${to}`, { headers: asAdmin });
    const wantAll = expected(seed, new Date(`${from}T00:00:00Z`), new Date(today.getTime() + DAY_MS));
    assert.equal(all.body.period.payments, seed.length);
    assert.deepEqual(all.body.period.collected, wantAll.collected);

    const moov = await call(t.url, 'GET', `/admin/api/summary?from=${from}&to=${to}&network=moov`, { headers: asAdmin });
    const wantMoov = expected(seed, new Date(`${from}T00:00:00Z`), new Date(today.getTime() + DAY_MS), 'moov');
    assert.equal(moov.body.period.payments, 3);
    assert.deepEqual(moov.body.period.collected, wantMoov.collected);
    assert.deepEqual(moov.body.period.collected, [{ currency: 'XOF', count: 2, amount: 30000 }]);
    assert.equal(moov.body.latest_failures.length, 1);
    assert.equal(moov.body.last_24h.payments, 1, 'the network filter applies to the 24 h figures too');
  });

  test('bad filters are a 400 with a catalogue code naming the field', async () => {
    const cases: [string, string, string][] = [
      ['from=2026-02-30', 'invalid_filter', 'query.from'],
      ['from=2026-11-01&to=2026-11-31', 'invalid_filter', 'query.to'],
      ['from=2026-11-10&to=2026-11-01', 'invalid_filter', 'query.from'],
      ['from=2026-01-01&to=2026-12-31', 'period_too_long', 'query.from'],
      ['network=paypal', 'invalid_filter', 'query.network'],
      ['network=mtn&extra=1', 'validation_failed', 'query.extra'],
    ];
    for (const [q, code, param] of cases) {
      const res = await call(t.url, 'GET', `/admin/api/summary?${q}`, { headers: asAdmin });
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.code, code, q);
      assert.equal(res.body.error.param, param, q);
      assert.ok(code in ERROR_CATALOGUE, code);
    }
  });

  test('no phone number, name or email in any admin answer', async () => {
    const from = utcDay(new Date(today.getTime() - 45 * DAY_MS));
    const bodies = await Promise.all(
      ['/admin', `/admin/api/summary?from=${from}`, '/admin/api/summary?network=moov'].map((p) => fetch(t.url + p, { headers: asAdmin }).then((r) => r.text())),
    );
    for (const text of bodies) for (const value of Object.values(PII)) assert.equal(text.includes(value), false, value);
  });
});

explainTests(() => t.database.db);

describe('admin disabled', () => {
  test('without ADMIN_PASSWORD /admin is a 404 and the log says why', async () => {
    const fs = await import('node:fs');
    const { LOG_DIR } = await import('../helpers/app.ts');
    const off = await startTestApp('admin-disabled', {}, t.database);
    try {
      for (const path of ['/admin', '/admin/api/summary']) {
        assert.equal((await call(off.url, 'GET', path, { headers: asAdmin })).status, 404);
      }
    } finally {
      await off.app.close();
    }
    assert.match(fs.readFileSync(`${LOG_DIR}/admin-disabled.log`, 'utf8'), /admin dashboard disabled: ADMIN_PASSWORD is not set/);
  });
});
