/**
 * The real client against the real simulator over loopback HTTP: every outcome code, FeexPay's
 * refusals, the redirect and OTP flows and the collection path setting. Transport failures and
 * what reaches observe() and the log: client-transport.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accepted, clientFixture } from './client-fixture.ts';
import { bj, waitFor } from './helpers.ts';

const f = clientFixture();
const { rec, makeClient, pay, pollUntilFinal } = f;

describe('request-to-pay outcomes by phone suffix', () => {
  it('00: pending, then successful after the settle delay', async () => {
    const r = accepted(await pay('00'));
    assert.equal(r.status, 'pending');
    assert.match(r.reference, /^[0-9a-f-]{36}$/);
    const s = await pollUntilFinal(r.reference);
    assert.deepEqual({ status: s.status, amount: s.amount, reason: s.reason }, { status: 'successful', amount: 1500, reason: undefined });
  });

  for (const [suffix, reason] of [
    ['01', 'insufficient_funds'],
    ['02', 'payer_not_found'],
    ['13', 'payer_not_found'],
    ['10', 'cancelled'],
  ] as const) {
    it(`${suffix}: pending, then failed with ${reason}`, async () => {
      const r = accepted(await pay(suffix));
      assert.equal(r.status, 'pending');
      const s = await pollUntilFinal(r.reference);
      assert.equal(s.status, 'failed');
      assert.equal(s.reason, reason);
    });
  }

  it('03: HTTP 200 with status FAILED at once', async () => {
    const r = accepted(await pay('03'));
    assert.deepEqual([r.status, r.reason], ['failed', 'insufficient_funds']);
    assert.deepEqual(
      rec.calls.map((c) => c.outcome),
      ['failed'],
    );
    // A decline is FeexPay's ordinary answer, not a failure of the call: info, not a warning.
    assert.deepEqual(
      rec.lines.map((l) => [l.level, l.msg]),
      [['info', 'feexpay call: payment declined']],
    );
  });

  it('04: stays pending', async () => {
    const r = accepted(await pay('04'));
    await new Promise((res) => setTimeout(res, 150));
    const s = await f.client.getStatus(r.reference);
    assert.equal(s.kind === 'found' && s.status, 'pending');
  });

  it('05: slow answer times out as unknown, yet the payment succeeds at FeexPay', async () => {
    const callbackInfo = 'slow_payment_1';
    const r = await pay('05', { callbackInfo });
    assert.equal(r.kind, 'unknown');
    assert.equal(r.kind === 'unknown' && r.cause, 'timeout');
    assert.ok(r.durationMs >= 1490 && r.durationMs < 3900, `duration ${r.durationMs}`);
    assert.deepEqual(
      rec.calls.map((c) => [c.operation, c.outcome]),
      [['request_to_pay', 'timeout']],
    );
    const found = await waitFor(() => f.sim.byCallbackInfo(callbackInfo).payments[0], 1000, 'payment');
    const s = await pollUntilFinal(found.reference);
    assert.equal(s.status, 'successful');
  });

  it('05: a patient client gets the answer', async () => {
    const patient = makeClient({ requestTimeoutMs: 8000 });
    const r = await patient.requestToPay({ network: 'moov', phoneNumber: bj('05'), amount: 100, callbackInfo: 'patient' });
    assert.equal(r.kind, 'accepted');
    assert.ok(r.durationMs >= 3950, `duration ${r.durationMs}`);
  });

  it('06: HTTP 500 is unknown (server_error) and creates nothing', async () => {
    const r = await pay('06', { callbackInfo: 'five_hundred' });
    assert.deepEqual(r.kind === 'unknown' && [r.cause, r.httpStatus], ['server_error', 500]);
    assert.deepEqual(f.sim.byCallbackInfo('five_hundred'), { requests: 1, payments: [] });
    assert.deepEqual(
      rec.calls.map((c) => c.outcome),
      ['error'],
    );
  });

  it('07: garbage 200 is unknown (bad_response), though the payment exists and succeeds', async () => {
    const r = await pay('07', { callbackInfo: 'garbage' });
    assert.deepEqual(r.kind === 'unknown' && [r.cause, r.httpStatus], ['bad_response', 200]);
    assert.equal(rec.lines.at(-1)?.level, 'error');
    const [payment] = f.sim.byCallbackInfo('garbage').payments;
    assert.ok(payment);
    assert.equal((await pollUntilFinal(payment.reference)).status, 'successful');
  });

  it('08 and 09: success (webhooks are covered by the simulator tests)', async () => {
    for (const suffix of ['08', '09']) {
      const r = accepted(await pay(suffix));
      assert.equal((await pollUntilFinal(r.reference)).status, 'successful');
    }
  });

  it('11: status answers 500 for a while (unavailable), then successful', async () => {
    const r = accepted(await pay('11'));
    await new Promise((res) => setTimeout(res, 100));
    for (let i = 0; i < 2; i += 1) {
      const s = await f.client.getStatus(r.reference);
      assert.deepEqual(s.kind === 'unavailable' && [s.cause, s.httpStatus], ['server_error', 500]);
    }
    const s = await f.client.getStatus(r.reference);
    assert.equal(s.kind === 'found' && s.status, 'successful');
    assert.deepEqual(
      rec.calls.filter((c) => c.operation === 'status').map((c) => c.outcome),
      ['error', 'error', 'ok'],
    );
  });

  it('12: variant shapes (IN PENDING STATE, SUCCESS, nested data, no amount) are understood', async () => {
    const r = accepted(await pay('12'));
    const first = await f.client.getStatus(r.reference);
    assert.deepEqual(first.kind === 'found' && [first.status, first.amount], ['pending', undefined]);
    const s = await pollUntilFinal(r.reference);
    assert.deepEqual([s.status, s.amount], ['successful', undefined]);
  });
});

describe('FeexPay refusals', () => {
  it('401 on a bad key is a rejection', async () => {
    const bad = makeClient({ apiKey: `fp_${'x'.repeat(64)}` });
    const r = await bad.requestToPay({ network: 'mtn', phoneNumber: bj('00'), amount: 100, callbackInfo: 'k' });
    assert.deepEqual(r.kind === 'rejected' && [r.httpStatus, r.reason], [401, 'provider_rejected']);
    const s = await bad.getStatus('3f1c2a8e-9b7d-4c55-8e2f-1a2b3c4d5e6f');
    assert.deepEqual(s.kind === 'unavailable' && s.httpStatus, 401);
    assert.deepEqual(
      rec.calls.map((c) => c.outcome),
      ['failed', 'failed'],
    );
    assert.deepEqual(
      rec.lines.map((l) => [l.level, l.msg]),
      [
        ['warn', 'feexpay refused the request'],
        ['warn', 'feexpay refused the request'],
      ],
    );
  });

  it('400 on an amount outside the limits, or another shop', async () => {
    const r = await pay('00', { amount: 50 });
    assert.deepEqual(r.kind === 'rejected' && r.httpStatus, 400);
    const other = makeClient({ shopId: 'othershop000001' });
    const r2 = await other.requestToPay({ network: 'mtn', phoneNumber: bj('00'), amount: 100, callbackInfo: 's' });
    assert.deepEqual(r2.kind === 'rejected' && r2.httpStatus, 400);
  });

  it('status of a reference FeexPay does not know is not_found', async () => {
    assert.equal((await f.client.getStatus('0b7e0f9e-0000-4000-8000-000000000000')).kind, 'not_found');
    // Never reshapes the URL: refused before any call.
    assert.equal((await f.client.getStatus('../../admin')).kind, 'not_found');
    assert.equal(f.sim.counters().statusCalls, 1);
  });
});

describe('flows', () => {
  const REDIRECT_PHONES = { wave_ci: '2250100000000', orange_ci: '2250700000000', free_sn: '221760000000', moov_bf: '22670000000' } as const;

  it('redirect operators answer with payment_url and order_id; nothing settles until the customer acts', async () => {
    for (const network of Object.keys(REDIRECT_PHONES) as (keyof typeof REDIRECT_PHONES)[]) {
      const r = accepted(
        await f.client.requestToPay({
          network,
          phoneNumber: REDIRECT_PHONES[network],
          amount: 200,
          callbackInfo: network,
          returnUrl: 'https://shop.example/back',
          cancelUrl: 'https://shop.example/cancel',
        }),
      );
      assert.equal(r.paymentUrl, `${f.sim.url}/checkout/${r.reference}`);
      assert.equal(r.orderId, r.reference);
      assert.equal(f.sim.payment(r.reference)?.awaitingCustomer, true);
    }
    await new Promise((r) => setTimeout(r, 100));
    for (const p of Object.keys(REDIRECT_PHONES).flatMap((n) => f.sim.byCallbackInfo(n).payments)) assert.equal(p.status, 'PENDING');
  });

  it('coris: HTTP 201 asks for the code; the second request carries it and the first reference', async () => {
    const first = accepted(await f.client.requestToPay({ network: 'coris', phoneNumber: bj('00'), amount: 300, callbackInfo: 'otp' }));
    assert.deepEqual([first.status, first.otpRequired], ['pending', true]);
    assert.equal(f.sim.payment(first.reference)?.awaitingOtp, true);
    const second = accepted(await f.client.requestToPay({ network: 'coris', phoneNumber: bj('00'), amount: 300, callbackInfo: 'otp', otp: '4821', reference: first.reference }));
    assert.equal(second.otpRequired, undefined);
    assert.equal(second.reference, first.reference, 'one collection, one reference');
    assert.equal((await pollUntilFinal(first.reference)).status, 'successful');
  });

  it('coris: 000000 is refused as a wrong code', async () => {
    const first = accepted(await f.client.requestToPay({ network: 'coris', phoneNumber: bj('00'), amount: 300, callbackInfo: 'bad' }));
    const second = accepted(await f.client.requestToPay({ network: 'coris', phoneNumber: bj('00'), amount: 300, callbackInfo: 'bad', otp: '000000', reference: first.reference }));
    assert.deepEqual([second.status, second.reason], ['failed', 'wrong_otp']);
  });

  it('orange_sn: the code goes in the only request; without one FeexPay refuses', async () => {
    const phoneNumber = '221770000000';
    const ok = accepted(await f.client.requestToPay({ network: 'orange_sn', phoneNumber, amount: 500, callbackInfo: 'osn', otp: '123456' }));
    assert.equal(ok.otpRequired, undefined);
    assert.equal((await pollUntilFinal(ok.reference)).status, 'successful');
    const none = await f.client.requestToPay({ network: 'orange_sn', phoneNumber, amount: 500, callbackInfo: 'osn' });
    assert.deepEqual(none.kind === 'rejected' && [none.httpStatus, none.reason], [400, 'provider_rejected']);
  });

  it('SDK error signals on a 200 become clear refusals, never a pending payment', async () => {
    const expected = { '14': 'insufficient_funds', '15': 'below_minimum', '16': 'cancelled', '17': 'invalid_number', '18': 'payer_not_found', '19': 'network_unavailable' };
    for (const [suffix, reason] of Object.entries(expected)) {
      const r = await pay(suffix);
      assert.deepEqual(r.kind === 'rejected' && [r.httpStatus, r.reason], [200, reason], suffix);
      assert.deepEqual([rec.lines.at(-1)?.level, rec.lines.at(-1)?.msg], ['info', 'feexpay call: payment declined'], suffix);
    }
    assert.equal(f.sim.counters().payments, 0);
  });

  it('card init answers a card page and a reference that status knows', async () => {
    const r = await f.client.initCard({ brand: 'VISA', amount: 5000, currency: 'XOF', phoneNumber: bj('00'), firstName: 'Afi', callbackInfo: 'card1' });
    assert.equal(r.kind, 'accepted', JSON.stringify(r));
    if (r.kind !== 'accepted') return;
    assert.equal(r.paymentUrl, `${f.sim.url}/checkout/${r.reference}`);
    const s = await f.client.getStatus(r.reference);
    assert.equal(s.kind === 'found' && s.status, 'pending');
    const bad = await f.client.initCard({ brand: 'AMEX' as 'VISA', amount: 5000, currency: 'XOF', phoneNumber: bj('00'), callbackInfo: 'card2' });
    assert.equal(bad.kind, 'rejected');
    assert.ok(rec.calls.some((c) => c.operation === 'card_init' && c.outcome === 'ok'));
  });

  it("fee preview: the SDKs' customer fees, per operator", async () => {
    const r = await f.client.feePreview('mtn', 10_000);
    assert.deepEqual(r.kind === 'ok' && [r.fees, r.total, r.customerPaysFees], [170, 10_170, true]);
    const wave = await f.client.feePreview('wave_ci', 10_000);
    assert.deepEqual(wave.kind === 'ok' && wave.fees, 320);
  });
});

describe('collection path setting', () => {
  it('integration (default) posts the operator label in reseau; per_operator puts the operator in the path', async () => {
    const integration = makeClient();
    const perOperator = makeClient({ collectionPath: 'per_operator' });
    for (const c of [integration, perOperator]) {
      const r = accepted(await c.requestToPay({ network: 'celtiis_bj', phoneNumber: bj('00'), amount: 700, callbackInfo: 'paths' }));
      assert.equal((await pollUntilFinal(r.reference)).status, 'successful');
    }
    assert.deepEqual(f.sim.counters().requestToPay.byPath, { integration: 1, per_operator: 1 });
  });

  it('both paths complete every flow family: USSD, OTP, code in request, redirect', async () => {
    for (const collectionPath of ['integration', 'per_operator'] as const) {
      f.sim.reset();
      const c = makeClient({ collectionPath });
      const ussd = accepted(await c.requestToPay({ network: 'togocom_tg', phoneNumber: '22890000000', amount: 300, callbackInfo: 'f' }));
      const otp1 = accepted(await c.requestToPay({ network: 'coris', phoneNumber: bj('00'), amount: 300, callbackInfo: 'f' }));
      assert.equal(otp1.otpRequired, true);
      accepted(await c.requestToPay({ network: 'coris', phoneNumber: bj('00'), amount: 300, callbackInfo: 'f', otp: '1234', reference: otp1.reference }));
      const osn = accepted(await c.requestToPay({ network: 'orange_sn', phoneNumber: '221770000000', amount: 300, callbackInfo: 'f', otp: '5555' }));
      const redirect = accepted(await c.requestToPay({ network: 'wave_sn', phoneNumber: '221760000000', amount: 300, callbackInfo: 'f' }));
      assert.ok(redirect.paymentUrl);
      for (const ref of [ussd.reference, otp1.reference, osn.reference]) assert.equal((await pollUntilFinal(ref)).status, 'successful');
      assert.equal(f.sim.counters().requestToPay.byPath[collectionPath], 5);
    }
  });
});
