/**
 * The admin page's Review section in a real Chromium: a payment sent to review shows up, an
 * operator decides it from the page, and the decision is audited with the operator's name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { beninPhone, startTestApp, type TestApp } from '../helpers/app.ts';
import { launchBrowser, skipWithoutBrowser as skip } from '../helpers/browser.ts';
import { call, newKey } from '../helpers/http.ts';
import { ADMIN, pastDeadline } from '../service/payment-truth-helpers.ts';

const ARTIFACTS = path.resolve('test-artifacts');

let t: TestApp;
let browser: Browser;

before(async () => {
  if (skip) return;
  t = await startTestApp('admin-review-browser', { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password, RECONCILE_AFTER_MS: '0' });
  browser = await launchBrowser();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

describe('admin review in Chromium', { skip }, () => {
  test('an operator decides a payment under review from the page', async () => {
    // FeexPay answers 500: the request may have reached it, so at the deadline the payment goes to review.
    const created = await call(t.url, 'POST', '/v1/payments', {
      body: { amount: 2500, currency: 'XOF', network: 'mtn', phone_number: beninPhone('06', 1) },
      apiKey: t.apiKey,
      headers: { 'idempotency-key': newKey() },
    });
    const id = created.body.id as string;
    await pastDeadline(t, id);
    await t.app.reconciler.runOnce();
    assert.equal((await t.database.db('payments').where({ id }).first()).status, 'needs_review');

    const context = await browser.newContext({ httpCredentials: { username: ADMIN.user, password: ADMIN.password }, viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    // Playwright's clock: auto-refresh's 30 s pass at once, to show it leaves a half-filled row alone.
    await page.clock.install();
    await page.goto(`${t.url}/admin`);
    await page.waitForSelector('#review[data-state="ready"]');
    assert.equal(await page.getAttribute('#review', 'data-count'), '1');
    const cells = await page.$$eval('#review-items tbody tr td', (tds) => tds.map((td) => td.textContent));
    assert.ok(cells.includes('no_reference') && cells.includes(id) && cells.includes('2,500 XOF'), cells.join('|'));
    assert.equal((await page.content()).includes(beninPhone('06', 1)), false, 'no full phone number on the page');

    // Without a name nothing is sent.
    const row = `#review-items tr[data-item]`;
    await page.selectOption(`${row} select`, 'failed');
    await page.fill(`${row} input`, 'FeexPay has no such collection');
    await page.click(`${row} button`);
    await page.waitForSelector('#review-error:not([hidden])');
    assert.match((await page.textContent('#review-error')) ?? '', /your name/);

    // The row has text typed in it: auto-refresh waits rather than redraw it.
    await page.clock.runFor(65_000);
    assert.equal(await page.getAttribute('#dashboard', 'data-refreshes'), null);
    assert.equal(await page.getAttribute('#dashboard', 'data-refresh'), 'waiting');
    assert.equal(await page.inputValue(`${row} input`), 'FeexPay has no such collection');

    await page.fill('#review-operator', 'Awa Diop');
    await page.dispatchEvent('#review-operator', 'change');
    await page.click(`${row} button`);
    await page.waitForSelector('#review[data-state="ready"][data-count="0"]');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-review.png'), fullPage: true });

    const p = await t.database.db('payments').where({ id }).first();
    assert.deepEqual([p.status, p.failure_reason], ['failed', 'operator_decision']);
    const e = await t.database.db('payment_events').where({ payment_id: id, to_status: 'failed' }).first();
    assert.deepEqual([e.source, e.detail.operator, e.detail.reason], ['operator', 'Awa Diop', 'FeexPay has no such collection']);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
