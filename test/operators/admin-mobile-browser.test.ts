/**
 * The admin pages in a real Chromium at a phone's width (390 px): no page scrolls sideways (tables
 * scroll in their own box, forms stack); the per-network table, stuck payments, search and the
 * 92-day message as an operator sees them; auto-refresh every 30 s that waits while a field has
 * focus and can be paused. Payments come from the real API and the simulator.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchBrowser, skipWithoutBrowser as skip } from '../helpers/browser.ts';
import { ADMIN } from '../service/payment-truth-helpers.ts';
import { expectedRow, makePayments, MERCHANT_NAME, type Made } from './admin-live-payments.ts';

const ARTIFACTS = path.resolve('test-artifacts');
const WIDTH = 390;
const fmt = (n: number) => new Intl.NumberFormat('en-US').format(n);

let t: TestApp;
let browser: Browser;
let made: Made[];

before(async () => {
  if (skip) return;
  t = await startTestApp('admin-mobile-browser', { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password });
  made = await makePayments(t);
  browser = await launchBrowser();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function phone(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    httpCredentials: { username: ADMIN.user, password: ADMIN.password },
    viewport: { width: WIDTH, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // A refused filter is answered 400 on purpose; Chromium logs the status of any failed load.
    if (m.type() === 'error' && !/status of 400/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

const ready = (page: Page) =>
  page.waitForFunction(() => document.getElementById('dashboard')?.dataset.state === 'ready' && document.getElementById('review')?.dataset.state === 'ready', null, {
    timeout: 15_000,
  });

/** The page's width, and what sticks out past the viewport if anything does (for the message). */
const overflow = (page: Page) =>
  page.evaluate((w) => {
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > w + 0.5 && !el.closest('.scroll'))
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className)}` : ''}`);
    return { scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5) };
  }, WIDTH);

describe('admin at 390 px in Chromium', { skip }, () => {
  test('no admin page scrolls sideways; tables scroll in their own box; forms stack', async () => {
    const { context, page, problems } = await phone();
    const someone = made.find((m) => m.network === 'moov')!;
    const pages: [string, string, number, boolean][] = [
      ['dashboard', '/admin', 200, true],
      ['dashboard-test-data', '/admin?mode=test', 200, true],
      ['dashboard-period-too-long', '/admin?from=2026-01-01&to=2026-12-31', 400, false],
      ['operators', '/admin/networks', 200, false],
      ['search', '/admin/payments', 200, false],
      ['search-found', `/admin/payments?q=${someone.id}`, 200, false],
      ['search-refused', '/admin/payments?q=%3Cscript%3E', 400, false],
    ];
    for (const [name, url, status, dashboard] of pages) {
      const res = await page.goto(t.url + url);
      assert.equal(res?.status(), status, url);
      if (dashboard) await ready(page);
      const o = await overflow(page);
      assert.ok(o.scrollWidth <= WIDTH, `${url}: scrollWidth ${o.scrollWidth} > ${WIDTH}; sticking out: ${o.wide.join(', ')}`);
      const boxes = await page.$$eval('table', (ts) => ts.map((tb) => getComputedStyle(tb.parentElement!).overflowX));
      assert.ok(
        boxes.every((b) => b === 'auto'),
        `${url}: every table in a scrolling box (${boxes.join(',')})`,
      );
      await page.screenshot({ path: path.join(ARTIFACTS, `admin-390-${name}.png`), fullPage: true });
    }

    await page.goto(`${t.url}/admin`);
    await ready(page);
    assert.equal(await page.$eval('#filters', (f) => getComputedStyle(f).flexDirection), 'column', 'the filters stack');
    const right = await page.$$eval('#filters input, #filters select, #filters button', (els) => Math.max(...els.map((e) => e.getBoundingClientRect().right)));
    assert.ok(right <= WIDTH, `filter fields fit (${right})`);
    const wideTable = await page.$eval('#by-network', (tb) => ({ table: tb.scrollWidth, box: tb.parentElement!.clientWidth }));
    assert.ok(wideTable.box <= WIDTH, 'the table box fits the page even when the table is wider');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the per-network table shows each network with its rate, and flags the failing one', async () => {
    const { context, page, problems } = await phone();
    await page.goto(`${t.url}/admin`);
    await ready(page);
    const rows = await page.$$eval('#by-network tbody tr', (trs) =>
      trs.map((tr) => ({ network: tr.getAttribute('data-network'), low: tr.className === 'low', cells: [...tr.children].map((td) => td.textContent) })),
    );
    const live = made.filter((m) => m.mode === 'live');
    assert.deepEqual(
      rows.map((r) => r.network),
      ['moov', 'mtn'],
    );
    for (const r of rows) {
      const want = expectedRow(live, r.network!);
      assert.equal(r.cells[1], fmt(want.payments), r.network!);
      assert.equal(r.cells[2], `${(want.success_rate! * 100).toFixed(1)}%${r.low ? ' ⚠' : ''}`, r.network!);
      assert.equal(r.cells[3], fmt(want.successful), r.network!);
      assert.equal(r.cells[4], fmt(want.failed), r.network!);
      assert.equal(r.cells[8], want.collected.map((c) => `${fmt(c.amount)} ${c.currency}`).join(', '), r.network!);
    }
    assert.deepEqual(
      rows.map((r) => r.low),
      [true, false],
      'moov (1 success in 4) is flagged, mtn is not',
    );

    const todayLive = live.filter((m) => m.created_at.toISOString().slice(0, 10) === new Date().toISOString().slice(0, 10));
    assert.equal(await page.getAttribute('#today-payments', 'data-value'), String(todayLive.length));

    // Stuck: counted, and its row links to the payment; test data has none, and says so.
    const stuck = made.find((m) => m.outcome === '04')!;
    assert.equal(await page.getAttribute('#stuck', 'data-count'), '1');
    assert.equal(await page.isVisible('#stuck-none'), false);
    const testData = await context.newPage();
    await testData.goto(`${t.url}/admin?mode=test`);
    await ready(testData);
    assert.deepEqual(
      [await testData.getAttribute('#stuck', 'data-count'), await testData.isVisible('#stuck-none'), await testData.isVisible('#stuck-payments')],
      ['0', true, false],
    );
    await testData.close();
    await page.click(`#stuck-payments a[href="/admin/payments?q=${stuck.id}"]`);
    await page.waitForSelector(`article[data-payment="${stuck.id}"]`);
    assert.match((await page.textContent('main')) ?? '', /pending/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('search from the header finds a payment by id and by FeexPay reference', async () => {
    const { context, page, problems } = await phone();
    const m = made.find((p) => p.network === 'mtn' && p.status === 'successful' && p.mode === 'live')!;
    for (const [q, matched] of [
      [m.id, 'id'],
      [m.feexpay_reference!, 'feexpay_reference'],
    ] as const) {
      await page.goto(`${t.url}/admin`);
      await ready(page);
      await page.fill('#search-q', q);
      await page.press('#search-q', 'Enter');
      await page.waitForSelector(`article[data-payment="${m.id}"][data-matched="${matched}"]`);
      const text = (await page.textContent('article')) ?? '';
      assert.ok(text.includes(MERCHANT_NAME) && text.includes(`…${m.phone.slice(-4)}`) && text.includes(fmt(m.amount)), text);
      assert.equal((await page.content()).includes(m.phone), false, 'no full phone number');
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a period over 92 days is a message on the page, from the form or from a link', async () => {
    const { context, page, problems } = await phone();
    await page.goto(`${t.url}/admin`);
    await ready(page);
    await page.fill('#from', '2026-01-01');
    await page.fill('#to', '2026-12-31');
    await page.click('#filters button[type="submit"]');
    await page.waitForSelector('#error:not([hidden])');
    assert.match((await page.textContent('#error')) ?? '', /^The period is at most 92 days; 2026-01-01 to 2026-12-31 is 365 days/);

    const res = await page.goto(`${t.url}/admin?from=2026-01-01&to=2026-12-31`);
    assert.equal(res?.status(), 400);
    assert.match((await page.textContent('#error')) ?? '', /at most 92 days/);
    assert.equal(await page.inputValue('#from'), '2026-01-01', 'the form keeps what was typed');
    assert.equal((await page.content()).includes('{"error"'), false, 'no raw JSON');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('auto-refresh every 30 s, waiting while a field has focus, and paused on request', async () => {
    const { context, page, problems } = await phone();
    await page.clock.install();
    await page.goto(`${t.url}/admin`);
    await ready(page);
    const refreshes = () => page.getAttribute('#dashboard', 'data-refreshes');
    assert.equal(await page.getAttribute('#dashboard', 'data-refresh-seconds'), '30');

    await page.clock.runFor(29_000);
    assert.equal(await refreshes(), null, 'not before 30 s');
    await page.clock.runFor(2_000);
    assert.equal(await refreshes(), '1');
    await ready(page);

    // An operator typing: no refresh, however long, until the field loses focus.
    for (const field of ['#from', '#search-q']) {
      const before = await refreshes();
      await page.focus(field);
      await page.clock.runFor(65_000);
      assert.equal(await refreshes(), before, `no refresh while ${field} has focus`);
      assert.equal(await page.getAttribute('#dashboard', 'data-refresh'), 'waiting');
      assert.match((await page.textContent('#refresh-status')) ?? '', /waiting: you are typing/);
      await page.$eval(field, (el) => (el as HTMLElement).blur());
      await page.clock.runFor(2_000);
      assert.equal(await refreshes(), String(Number(before) + 1), `refreshed once ${field} lost focus`);
      await ready(page);
    }

    // Paused: nothing for minutes, and it stays paused across a reload.
    await page.click('#refresh-toggle');
    assert.equal(await page.getAttribute('#refresh-toggle', 'aria-pressed'), 'true');
    const paused = await refreshes();
    await page.clock.runFor(120_000);
    assert.equal(await refreshes(), paused);
    await page.reload();
    await ready(page);
    assert.equal(await page.getAttribute('#dashboard', 'data-refresh'), 'paused');
    assert.match((await page.textContent('#refresh-toggle')) ?? '', /Resume/);
    await page.click('#refresh-toggle');
    await page.clock.runFor(31_000);
    assert.equal(await refreshes(), '1', 'resumed');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
