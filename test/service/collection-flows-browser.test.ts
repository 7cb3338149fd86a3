/**
 * The redirect and card flows as a customer lives them, in a real Chromium (Debian's, driven by
 * playwright-core): the API answers a redirect_to_url next_action, the customer opens FeexPay's
 * (the simulator's) page, pays or cancels there, is sent back to the merchant's return_url or
 * cancel_url, and only then does the payment settle. Install the browser with
 * .ci/install-browser.sh; under CI=true a missing browser fails the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { launchBrowser, skipWithoutBrowser } from '../helpers/browser.ts';
import { call, newKey } from '../helpers/http.ts';

const skip = skipWithoutBrowser;
const SHOP = 'https://shop.example';

let t: TestApp;
let browser: Browser;

before(async () => {
  if (skip) return;
  t = await startTestApp('collection-flows-browser');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

const create = (over: Record<string, unknown>) =>
  call(t.url, 'POST', '/v1/payments', {
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey('browser') },
    body: { amount: 2500, currency: 'XOF', return_url: `${SHOP}/back`, cancel_url: `${SHOP}/cancel`, ...over },
  });

async function customerPage(): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** The shop does not exist: that the browser asks for its URL is the proof the customer was sent back. */
const sentBackTo = (page: Page, url: string) => page.waitForRequest(url, { timeout: 10_000 });

const read = (id: string) => call(t.url, 'GET', `/v1/payments/${id}`, { apiKey: t.apiKey });
const final = (id: string) =>
  waitFor(async () => {
    const r = await read(id);
    return r.body.status !== 'pending' && r;
  });

describe('redirect and card flows in Chromium', { skip }, () => {
  test('Wave CI: the customer pays on the page, comes back to return_url, the payment succeeds', async () => {
    const res = await create({ network: 'wave_ci', phone_number: '2250100000000' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.next_action.type, 'redirect_to_url');
    const page = await customerPage();
    await page.goto(res.body.next_action.url);
    assert.match((await page.textContent('h1')) ?? '', /Pay 2500 with WAVE CI/);
    // Nothing settles while the page waits for the customer.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual([(await read(res.body.id)).body.status, (await read(res.body.id)).body.next_action?.url], ['pending', res.body.next_action.url]);
    await Promise.all([sentBackTo(page, `${SHOP}/back`), page.click('#pay')]);
    const done = await final(res.body.id);
    assert.deepEqual([done.body.status, done.body.next_action], ['successful', null]);
    await page.context().close();
  });

  test('Orange BF: the customer cancels, comes back to cancel_url, the payment fails as cancelled', async () => {
    const res = await create({ network: 'orange_bf', phone_number: '22670000000' });
    const page = await customerPage();
    await page.goto(res.body.next_action.url);
    await Promise.all([sentBackTo(page, `${SHOP}/cancel`), page.click('#cancel')]);
    const done = await final(res.body.id);
    assert.deepEqual([done.body.status, done.body.failure_reason], ['failed', 'cancelled']);
    await page.context().close();
  });

  test('VISA card: card init, the card page, the customer pays, the payment succeeds', async () => {
    const res = await create({
      method: 'card',
      card_brand: 'VISA',
      phone_number: '2290167000000',
      customer: { first_name: 'Afi', email: 'afi@example.com' },
      return_url: undefined,
      cancel_url: undefined,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.method, res.body.card_brand, res.body.network, res.body.next_action.type], ['card', 'VISA', 'card', 'redirect_to_url']);
    const page = await customerPage();
    await page.goto(res.body.next_action.url);
    assert.match((await page.textContent('h1')) ?? '', /VISA card/);
    await page.fill('#card-number', '4111 1111 1111 1111');
    await page.fill('#card-expiry', '12/30');
    await page.fill('#card-cvc', '123');
    await Promise.all([page.waitForSelector('#done'), page.click('#pay')]);
    assert.equal(await page.textContent('#done'), 'Payment sent');
    assert.equal((await final(res.body.id)).body.status, 'successful');
    const list = await call(t.url, 'GET', '/v1/payments?network=card', { apiKey: t.apiKey });
    assert.deepEqual(
      list.body.data.map((p: { id: string }) => p.id),
      [res.body.id],
    );
    await page.context().close();
  });
});
