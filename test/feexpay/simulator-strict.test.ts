/**
 * The simulator refuses what FeexPay refuses and accepts what it accepts (docs/feexpay.md), over
 * real HTTP: operator number formats, MTN's description rule, form-encoded bodies, the key as
 * `token` on the integration form, the OTP steps, the checkout and card pages (driven with plain
 * form posts here; test/service/collection-flows-browser.test.ts drives them in Chromium), the SDK
 * error signals and the fee preview.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from './helpers.ts';
import { rawApi } from './raw-api.ts';
import { useSimulator } from './simulator-fixture.ts';

const fx = useSimulator();
const { call, rtp, rtpBody } = rawApi(() => fx.sim);
const INTEGRATION = '/api/transactions/requesttopay/integration';

async function form(path: string, fields: Record<string, string>, key: string | null = fx.sim.apiKey) {
  const res = await fetch(`${fx.sim.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

describe('refuses what FeexPay refuses', () => {
  it('an 8-digit Benin number, a Togo number on mtn, a Benin number on togocom_tg', async () => {
    for (const [op, phoneNumber] of [
      ['mtn', '22997000000'],
      ['mtn', '22890000000'],
      ['togocom_tg', '2290167000000'],
      ['mtn_ci', '2250700000000'],
    ] as const) {
      const r = await call('POST', `/api/transactions/public/requesttopay/${op}`, rtpBody('00', { phoneNumber }));
      assert.equal(r.status, 400, `${op} ${phoneNumber}`);
      assert.match(r.json.message, /phoneNumber/);
    }
    assert.equal(fx.sim.counters().payments, 0);
  });

  it('"Order-42 é" on MTN, but not on Moov', async () => {
    const mtn = await rtp('00', { description: 'Order-42 é' }, 'mtn');
    assert.equal(mtn.status, 400);
    assert.match(mtn.json.message, /description/);
    assert.equal((await rtp('00', { description: 'Order-42 é' }, 'moov')).status, 202);
  });

  it('a JSON amount as a string, an otp that is not 4 to 8 digits', async () => {
    assert.equal((await rtp('00', { amount: '2500' })).status, 400);
    assert.equal((await rtp('00', { otp: '12' }, 'coris')).status, 400);
  });

  it("orange_sn without the customer's code", async () => {
    const r = await rtp('00', { phoneNumber: '221770000000' }, 'orange_sn');
    assert.equal(r.status, 400);
    assert.match(r.json.message, /#144#391#/);
  });
});

describe('accepts what FeexPay accepts', () => {
  it('form-encoded bodies, on both paths', async () => {
    const fields = { phoneNumber: '2290167000004', amount: '1500', shop: 'anyshop', description: 'Order 9', callback_info: 'form' };
    const perOp = await form('/api/transactions/public/requesttopay/mtn', fields);
    assert.equal(perOp.status, 202, perOp.text);
    const legacy = await form(INTEGRATION, { ...fields, reseau: 'MOOV' });
    assert.equal(legacy.status, 202, legacy.text);
    const ref = JSON.parse(legacy.text).reference;
    assert.equal(fx.sim.payment(ref)?.amount, 1500);
  });

  it('the key in the body as token on the integration form only', async () => {
    const fields = { phoneNumber: '2290167000004', amount: '1500', shop: 'anyshop', reseau: 'MTN', token: fx.sim.apiKey };
    assert.equal((await form(INTEGRATION, fields, null)).status, 202);
    assert.equal((await form(INTEGRATION, { ...fields, token: 'fp_wrong' }, null)).status, 401);
    assert.equal((await form('/api/transactions/public/requesttopay/mtn', fields, null)).status, 401);
  });
});

describe('OTP (Coris)', () => {
  it('201 with the reference alone; the second request with the code and reference settles the same payment', async () => {
    const first = await rtp('00', {}, 'coris');
    assert.equal(first.status, 201);
    assert.deepEqual(Object.keys(first.json), ['reference']);
    const missingRef = await rtp('00', { otp: '4321' }, 'coris');
    assert.equal(missingRef.status, 400);
    const otherAmount = await rtp('00', { otp: '4321', reference: first.json.reference, amount: 9999 }, 'coris');
    assert.equal(otherAmount.status, 400);
    const second = await rtp('00', { otp: '4321', reference: first.json.reference }, 'coris');
    assert.deepEqual([second.status, second.json.reference, second.json.status], [200, first.json.reference, 'PENDING']);
    await waitFor(() => fx.sim.payment(first.json.reference)?.status === 'SUCCESSFUL', 2000, 'settled');
    // The code was used: a replay of the second request finds nothing waiting.
    assert.equal((await rtp('00', { otp: '4321', reference: first.json.reference }, 'coris')).status, 404);
  });

  it('000000 is a wrong code: FAILED INVALID OTP, webhook sent', async () => {
    const first = await rtp('00', {}, 'coris');
    const second = await rtp('00', { otp: '000000', reference: first.json.reference }, 'coris');
    assert.deepEqual([second.status, second.json.status, second.json.reason], [200, 'FAILED', 'INVALID OTP']);
    await waitFor(() => fx.hook.deliveries.length === 1, 2000, 'webhook');
    assert.equal(fx.hook.deliveries[0]?.body.reason, 'INVALID OTP');
  });
});

describe('checkout and card pages', () => {
  it('a redirect network waits on its page until the customer pays, then goes back to return_url', async () => {
    const r = await rtp('00', { phoneNumber: '2250700000000', return_url: 'https://shop.example/back', cancel_url: 'https://shop.example/cancel' }, 'orange_ci');
    assert.equal(r.status, 200);
    assert.equal(r.json.payment_url, `${fx.sim.url}/checkout/${r.json.reference}`);
    const pageRes = await fetch(r.json.payment_url);
    assert.equal(pageRes.status, 200);
    const html = await pageRes.text();
    assert.match(html, /Pay 2500 with ORANGE CI/);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(fx.sim.payment(r.json.reference)?.status, 'PENDING', 'nothing settles before the customer acts');
    const paid = await form(`/checkout/${r.json.reference}/pay`, {}, null);
    assert.deepEqual([paid.status, paid.location], [303, 'https://shop.example/back']);
    await waitFor(() => fx.sim.payment(r.json.reference)?.status === 'SUCCESSFUL', 2000, 'paid');
    assert.equal((await form(`/checkout/${r.json.reference}/cancel`, {}, null)).status, 409);
  });

  it('cancel on the page fails the payment and goes to cancel_url', async () => {
    const r = await rtp('00', { phoneNumber: '221760000000', cancel_url: 'https://shop.example/cancel' }, 'wave_sn');
    const cancelled = await form(`/checkout/${r.json.reference}/cancel`, {}, null);
    assert.deepEqual([cancelled.status, cancelled.location], [303, 'https://shop.example/cancel']);
    assert.equal(fx.sim.payment(r.json.reference)?.status, 'CANCELLED');
  });

  it('card init: validated, answers data.url to a card page', async () => {
    const body = { phone: '2290167000000', amount: 5000, shop: 'anyshop', first_name: 'A', last_name: 'B', email: 'a@example.com', type_card: 'MASTERCARD', currency: 'XOF' };
    assert.equal((await call('POST', '/api/transactions/public/initcard', { ...body, type_card: 'AMEX' })).status, 400);
    assert.equal((await call('POST', '/api/transactions/public/initcard', body, null)).status, 401);
    const r = await call('POST', '/api/transactions/public/initcard', body);
    assert.equal(r.json.status, 'SUCCESSFUL');
    const html = await (await fetch(r.json.data.url)).text();
    assert.match(html, /MASTERCARD card/);
    assert.match(html, /id="card-number"/);
    assert.equal((await form(`/checkout/${r.json.reference}/pay`, { card_number: '4111111111111111', expiry: '12/30', cvc: '123' }, null)).status, 200);
    await waitFor(() => fx.sim.payment(r.json.reference)?.status === 'SUCCESSFUL', 2000, 'card paid');
    assert.equal((await fetch(`${fx.sim.url}/checkout/0b7e0f9e-0000-4000-8000-000000000000`)).status, 404);
  });
});

describe('SDK error signals and fee preview', () => {
  it('suffixes 14 to 19 answer 200 with the signal and create nothing', async () => {
    const bodies = await Promise.all(['14', '15', '16', '17', '18', '19'].map((s) => rtp(s)));
    assert.deepEqual(
      bodies.map((b) => b.status),
      [200, 200, 200, 200, 200, 200],
    );
    assert.deepEqual(
      bodies.map((b) => b.json.statusCode ?? b.json.responsemsg ?? b.json.message),
      ['10', '37', '92', '555', 'UNKNOWN MOBILE NUMBER', 'Network Unavailable'],
    );
    assert.equal(fx.sim.counters().payments, 0);
  });

  it('POST /api/transactions/details: fees by label, 502 on an unknown label', async () => {
    const r = await call('POST', '/api/transactions/details', { reseau: 'ORANGE BF', amount: 10_000, shop: 'anyshop' });
    assert.deepEqual(r.json, { iffees: true, amount: 10_000, total: 10_390, message: 'Frais calculés' });
    assert.equal((await call('POST', '/api/transactions/details', { reseau: 'VISA', amount: 1000, shop: 'anyshop' })).json.total, 1045);
    assert.equal((await call('POST', '/api/transactions/details', { reseau: 'CELTIIS', amount: 1000, shop: 'anyshop' })).status, 502);
  });
});
