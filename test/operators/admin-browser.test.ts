/**
 * The dashboard in a real Chromium (Debian's, driven by playwright-core): log in, read the
 * figures the test inserted, change a filter, and keep a screenshot in test-artifacts/.
 * Install the browser with .ci/install-browser.sh; under CI=true a missing browser fails the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchBrowser, skipWithoutBrowser as skip } from '../helpers/browser.ts';
import { DAY_MS, expected, seedAdminData, utcDay } from './admin-seed.ts';
import { PII, type SeedPayment } from './fixtures.ts';

const ADMIN = { username: 'ops', password: 'correct horse battery staple' };
const ARTIFACTS = path.resolve('test-artifacts');

let t: TestApp;
let browser: Browser;
let seed: SeedPayment[];
const now = Date.now();

before(async () => {
  if (skip) return;
  t = await startTestApp('admin-browser', { ADMIN_USER: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
  seed = await seedAdminData(t.database.db, now);
  browser = await launchBrowser();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

const fmt = (n: number) => new Intl.NumberFormat('en-US').format(n);

async function ready(page: Page, query?: string): Promise<void> {
  await page.waitForFunction(
    (q) => {
      const main = document.getElementById('dashboard');
      return main?.dataset.state === 'ready' && (q === null || (main.dataset.query ?? '').includes(q));
    },
    query ?? null,
    { timeout: 10_000 },
  );
}

describe('admin dashboard in Chromium', { skip }, () => {
  test('shows the inserted figures, follows a filter change, and breaks no CSP rule', async () => {
    const context = await browser.newContext({ httpCredentials: ADMIN, viewport: { width: 1400, height: 1100 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(t.url)) external.push(r.url());
    });

    // merchant-events.js loads its tables apart from the summary, through tables.js's helpers.
    const eventsLoaded = page.waitForResponse((r) => r.url().includes('/admin/api/merchant-events') && r.status() === 200);
    const res = await page.goto(`${t.url}/admin`);
    assert.equal(res?.status(), 200);
    assert.match(res?.headers()['content-security-policy'] ?? '', /default-src 'self'/);
    await ready(page);
    await eventsLoaded;

    const last24 = expected(seed, new Date(now - DAY_MS), new Date(now + 60_000));
    assert.equal(await page.textContent('#last24-payments'), fmt(last24.payments));
    assert.equal(await page.textContent('#last24-success-rate'), `${(last24.successRate! * 100).toFixed(1)}%`);
    const collected24 = await page.$$eval('#last24-collected li', (lis) => lis.map((li) => li.textContent));
    assert.deepEqual(
      collected24,
      last24.collected.map((c) => `${fmt(c.amount)} ${c.currency}`),
    );

    const today = new Date(`${utcDay(new Date(now))}T00:00:00Z`);
    const period = expected(seed, new Date(today.getTime() - 13 * DAY_MS), new Date(today.getTime() + DAY_MS));
    assert.equal(await page.getAttribute('#period-payments', 'data-value'), String(period.payments));
    const failures = await page.$$eval('#failures tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.deepEqual(
      failures.map((f) => [f[2], f[3], f[4]]),
      period.failures.map((f) => [f.network, `${fmt(f.amount)} XOF`, f.reason]),
    );

    // The charts are drawn by chart.js with the same numbers.
    const perDayTotal = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: { data: number[] }[] } } } }).Chart.getChart('chart-per-day');
      return chart.data.datasets.flatMap((d) => d.data).reduce((a, b) => a + b, 0);
    });
    assert.equal(perDayTotal, period.payments);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-dashboard.png'), fullPage: true });

    // Choosing a network applies the filter at once.
    await page.selectOption('#network', 'moov');
    await ready(page, 'network=moov');
    const moov = expected(seed, new Date(today.getTime() - 13 * DAY_MS), new Date(today.getTime() + DAY_MS), 'moov');
    assert.equal(await page.textContent('#period-payments'), fmt(moov.payments));
    assert.deepEqual(
      await page.$$eval('#period-collected li', (lis) => lis.map((li) => li.textContent)),
      moov.collected.map((c) => `${fmt(c.amount)} ${c.currency}`),
    );
    assert.match(page.url(), /network=moov/);

    // And a wider period brings in the older payment.
    await page.fill('#from', utcDay(new Date(today.getTime() - 45 * DAY_MS)));
    await page.selectOption('#network', '');
    await ready(page, `from=${utcDay(new Date(today.getTime() - 45 * DAY_MS))}`);
    assert.equal(await page.getAttribute('#period-payments', 'data-value'), String(seed.length));
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-dashboard-45d.png'), fullPage: true });

    const html = await page.content();
    for (const value of Object.values(PII)) assert.equal(html.includes(value), false, value);
    assert.deepEqual(problems, [], 'no console error, no CSP violation');
    assert.deepEqual(external, [], 'nothing loaded from outside the service');
    await context.close();
  });

  test('a wrong password gets no data', async () => {
    const context = await browser.newContext({ httpCredentials: { username: ADMIN.username, password: 'wrong password!' } });
    const page = await context.newPage();
    const res = await page.goto(`${t.url}/admin`);
    assert.equal(res?.status(), 401);
    const text = await page.textContent('body');
    assert.doesNotMatch(text ?? '', /Success rate|successful|XOF/);
    const api = await page.request.get(`${t.url}/admin/api/summary`);
    assert.equal(api.status(), 401);
    await context.close();
  });
});
