/**
 * Per-operator settings: from the configuration (NETWORK_SETTINGS, NETWORK_MAINTENANCE, refused
 * at start when wrong), and edited in /admin, by its form page and its JSON API, with effect on
 * the merchant API at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { beninPhone, startTestApp, TEST_ENV, type TestApp } from '../helpers/app.ts';
import { launchBrowser, skipWithoutBrowser } from '../helpers/browser.ts';
import { call, newKey } from '../helpers/http.ts';

const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'correct horse battery staple' };
const basic = 'Basic ' + Buffer.from(`${ADMIN.ADMIN_USER}:${ADMIN.ADMIN_PASSWORD}`).toString('base64');

describe('configuration', () => {
  test('defaults, JSON settings and the maintenance list', () => {
    const c = loadConfig({ ...TEST_ENV, NETWORK_SETTINGS: '{"moov":{"min":200,"max":50000}}', NETWORK_MAINTENANCE: 'orange_ci, wave_sn' });
    assert.deepEqual(c.networks.mtn, { enabled: true, minAmount: 100, maxAmount: 2_000_000 });
    assert.deepEqual(c.networks.moov, { enabled: true, minAmount: 200, maxAmount: 50_000 });
    assert.equal(c.networks.orange_ci.enabled, false);
    assert.equal(c.networks.wave_sn.enabled, false);
  });

  test('a wrong value stops the start naming the variable and key', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ NETWORK_SETTINGS: 'not json' }, /NETWORK_SETTINGS must be JSON/],
      [{ NETWORK_SETTINGS: '{"paypal":{}}' }, /unknown network "paypal"/],
      [{ NETWORK_SETTINGS: '{"mtn":{"min":50}}' }, /NETWORK_SETTINGS\.mtn\.min must be a whole number from 100/],
      [{ NETWORK_SETTINGS: '{"mtn":{"min":900,"max":800}}' }, /NETWORK_SETTINGS\.mtn\.min must not exceed/],
      [{ NETWORK_SETTINGS: '{"mtn":{"minimum":900}}' }, /unknown keys minimum/],
      [{ NETWORK_MAINTENANCE: 'mtn,airtel' }, /NETWORK_MAINTENANCE names an unknown network "airtel"/],
      [{ FEEXPAY_COLLECTION_PATH: 'legacy' }, /FEEXPAY_COLLECTION_PATH must be one of integration, per_operator/],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => loadConfig({ ...TEST_ENV, ...env }),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    }
  });
});

describe('/admin edits', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('network-settings', { ...ADMIN, NETWORK_MAINTENANCE: 'moov' });
  });
  after(async () => t.close());

  const pay = (network: string, amount = 1500) =>
    call(t.url, 'POST', '/v1/payments', {
      apiKey: t.apiKey,
      headers: { 'idempotency-key': newKey('ns') },
      body: { amount, currency: 'XOF', network, phone_number: beninPhone('04') },
    });
  const admin = (method: string, path: string, body?: unknown) => call(t.url, method, path, { body, headers: { authorization: basic } });
  const form = (path: string, fields: Record<string, string>) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  test('the JSON API lists, overrides and resets; the merchant API follows at once', async () => {
    const list = await admin('GET', '/admin/api/networks');
    assert.deepEqual(
      list.body.data.find((n: { network: string }) => n.network === 'moov'),
      { network: 'moov', enabled: false, min_amount: 100, max_amount: 2_000_000, overridden: false },
    );
    assert.equal((await pay('moov')).status, 503);

    const put = await admin('PUT', '/admin/api/networks/mtn', { enabled: false });
    assert.deepEqual([put.status, put.body.enabled, put.body.overridden], [200, false, true]);
    const refused = await pay('mtn');
    assert.deepEqual([refused.status, refused.body.error.code, refused.headers.get('retry-after')], [503, 'network_unavailable', '300']);

    assert.equal((await admin('PUT', '/admin/api/networks/mtn', { enabled: true, min: 2000 })).status, 200);
    assert.equal((await pay('mtn', 1500)).body.error.code, 'amount_out_of_range');
    assert.equal((await pay('mtn', 2000)).status, 201);

    const bad = await admin('PUT', '/admin/api/networks/mtn', { max: 10 });
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'invalid_network_setting']);
    assert.match(bad.body.error.message, /body\.max/);
    assert.equal((await admin('PUT', '/admin/api/networks/paypal', {})).status, 404);

    const reset = await admin('DELETE', '/admin/api/networks/mtn');
    assert.deepEqual([reset.body.enabled, reset.body.min_amount, reset.body.overridden], [true, 100, false]);
    assert.equal((await pay('mtn', 1500)).status, 201);
    assert.equal((await call(t.url, 'GET', '/admin/api/networks')).status, 401);
  });

  test('the form page: save takes a network out of maintenance, reset brings the configuration back', async () => {
    const page = await (await fetch(`${t.url}/admin/networks`, { headers: { authorization: basic } })).text();
    assert.match(page, /<tr id="network-moov" data-enabled="false">/);
    const saved = await form('/admin/networks/moov', { enabled: 'true', min: '100', max: '300000' });
    assert.deepEqual([saved.status, saved.headers.get('location')], [303, '/admin/networks']);
    assert.equal((await pay('moov')).status, 201);
    const after = await (await fetch(`${t.url}/admin/networks`, { headers: { authorization: basic } })).text();
    assert.match(after, /<tr id="network-moov" data-enabled="true">/);
    const wrong = await form('/admin/networks/moov', { enabled: 'true', min: '500', max: '400' });
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /body\.min must not exceed body\.max/);
    assert.equal((await form('/admin/networks/moov/reset', {})).status, 303);
    assert.equal((await pay('moov')).status, 503);
  });
});

describe('/admin/networks in Chromium', { skip: skipWithoutBrowser }, () => {
  let t: TestApp;
  let browser: Browser;
  before(async () => {
    t = await startTestApp('network-settings-browser', ADMIN);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('an operator puts wave_ci in maintenance from the page; the merchant API answers 503 at once', async () => {
    const context = await browser.newContext({ httpCredentials: { username: ADMIN.ADMIN_USER, password: ADMIN.ADMIN_PASSWORD } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    await page.goto(`${t.url}/admin`);
    await Promise.all([page.waitForURL(`${t.url}/admin/networks`), page.click('#networks-link')]);
    assert.equal(await page.getAttribute('#network-wave_ci', 'data-enabled'), 'true');
    await page.uncheck('#form-wave_ci input[name="enabled"]');
    await page.fill('#form-wave_ci input[name="max"]', '500000');
    await Promise.all([page.waitForURL(`${t.url}/admin/networks`), page.click('#form-wave_ci button[type="submit"]')]);
    assert.equal(await page.getAttribute('#network-wave_ci', 'data-enabled'), 'false');
    assert.match((await page.textContent('#network-wave_ci')) ?? '', /Back to configuration/);
    const res = await call(t.url, 'POST', '/v1/payments', {
      apiKey: t.apiKey,
      headers: { 'idempotency-key': newKey('ns-browser') },
      body: { amount: 1500, currency: 'XOF', network: 'wave_ci', phone_number: '2250100000000' },
    });
    assert.deepEqual([res.status, res.body.error.code], [503, 'network_unavailable']);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
