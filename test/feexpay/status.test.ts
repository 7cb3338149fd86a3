/** Unit table: every status word, reason, code, SDK error signal and answer shape listed in docs/feexpay.md. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amountOf, normaliseReason, normaliseStatus, parseRequestToPayAnswer, parseStatusAnswer } from '../../src/feexpay/status.ts';
import { interpretCardInit, interpretFeePreview, interpretRequestToPay, interpretStatus } from '../../src/feexpay/interpret.ts';
import { parseCardInitAnswer, parseFeePreviewAnswer } from '../../src/feexpay/card-fee-answers.ts';

const REF = '3f1c2a8e-9b7d-4c55-8e2f-1a2b3c4d5e6f';

describe('normaliseStatus', () => {
  const table: [unknown, ReturnType<typeof normaliseStatus>][] = [
    ['PENDING', { status: 'pending' }],
    ['pending', { status: 'pending' }],
    ['IN PENDING STATE', { status: 'pending' }],
    ['in_pending_state', { status: 'pending' }],
    ['SUCCESSFUL', { status: 'successful' }],
    ['SUCCESS', { status: 'successful' }],
    [' success ', { status: 'successful' }],
    ['FAILED', { status: 'failed' }],
    ['CANCELLED', { status: 'failed', reason: 'cancelled' }],
    ['CANCELED', { status: 'failed', reason: 'cancelled' }],
    ['COMPLETED', undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
    [1, undefined],
    [{ status: 'SUCCESSFUL' }, undefined],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(normaliseStatus(input), expected));
  }
});

describe('normaliseReason', () => {
  const table: [unknown, unknown, string][] = [
    ['LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED', undefined, 'insufficient_funds'],
    ['PAYER_NOT_FOUND', undefined, 'payer_not_found'],
    ['PAYER NOT FOUND', undefined, 'payer_not_found'],
    ['payer not found', undefined, 'payer_not_found'],
    ['CANCELLED', undefined, 'cancelled'],
    [undefined, 10, 'insufficient_funds'],
    [undefined, '37', 'below_minimum'],
    [undefined, 92, 'cancelled'],
    [undefined, 555, 'invalid_number'],
    ['555', undefined, 'invalid_number'],
    ['', 10, 'insufficient_funds'],
    ['PAYER_NOT_FOUND', 10, 'payer_not_found'],
    ['SOMETHING_NEW', undefined, 'unknown'],
    ['SOMETHING_NEW', 999, 'unknown'],
    ['', undefined, 'unknown'],
    [undefined, undefined, 'unknown'],
    [42, {}, 'unknown'],
  ];
  for (const [reason, code, expected] of table) {
    it(`${JSON.stringify(reason)} / ${JSON.stringify(code)} -> ${expected}`, () => assert.equal(normaliseReason(reason, code), expected));
  }
});

describe('amountOf', () => {
  it('accepts whole numbers and digit strings only', () => {
    assert.equal(amountOf(100), 100);
    assert.equal(amountOf('2500'), 2500);
    assert.equal(amountOf(undefined), undefined);
    assert.equal(amountOf(10.5), undefined);
    assert.equal(amountOf('10.5'), undefined);
    assert.equal(amountOf(-1), undefined);
    assert.equal(amountOf(null), undefined);
  });
});

describe('parseRequestToPayAnswer', () => {
  const table: [string, number, unknown, ReturnType<typeof parseRequestToPayAnswer>][] = [
    ['200 pending', 200, { reference: REF, status: 'PENDING' }, { kind: 'accepted', reference: REF, status: 'pending' }],
    ['202 pending', 202, { reference: REF, status: 'PENDING' }, { kind: 'accepted', reference: REF, status: 'pending' }],
    // HTTP 201 alone means "OTP required", whatever the body says short of a final status.
    ['201 pending', 201, { reference: REF, status: 'IN PENDING STATE' }, { kind: 'accepted', reference: REF, status: 'pending', otpRequired: true }],
    ['201 with a reference only', 201, { reference: REF }, { kind: 'accepted', reference: REF, status: 'pending', otpRequired: true }],
    ['201 but FAILED', 201, { reference: REF, status: 'FAILED', reason: 'INVALID OTP' }, { kind: 'accepted', reference: REF, status: 'failed', reason: 'wrong_otp' }],
    ['200 after the code', 200, { reference: REF, status: 'PENDING' }, { kind: 'accepted', reference: REF, status: 'pending' }],
    ['SDK code 10 on a 200', 200, { statusCode: '10', message: 'x' }, { kind: 'refused', reason: 'insufficient_funds' }],
    ['SDK code 37 on a 200', 200, { statusCode: 37 }, { kind: 'refused', reason: 'below_minimum' }],
    ['SDK code 92 on a 200', 200, { status_code: '92' }, { kind: 'refused', reason: 'cancelled' }],
    ['SDK code 555 on a 200', 200, { statusCode: '555' }, { kind: 'refused', reason: 'invalid_number' }],
    ['UNKNOWN MOBILE NUMBER', 200, { responsemsg: 'UNKNOWN MOBILE NUMBER' }, { kind: 'refused', reason: 'payer_not_found' }],
    ['Network Unavailable', 200, { message: 'Network Unavailable' }, { kind: 'refused', reason: 'network_unavailable' }],
    ['Network Unavailable in a longer message', 200, { message: 'Error: network unavailable, retry later' }, { kind: 'refused', reason: 'network_unavailable' }],
    ['signal with a reference', 200, { reference: REF, statusCode: '10' }, { kind: 'accepted', reference: REF, status: 'failed', reason: 'insufficient_funds' }],
    ['FAILED with an unknown reason but a signal', 200, { status: 'FAILED', reason: 'X', responsemsg: 'UNKNOWN MOBILE NUMBER' }, { kind: 'refused', reason: 'payer_not_found' }],
    ['PENDING wins over a stray message', 200, { reference: REF, status: 'PENDING', message: 'Network Unavailable' }, { kind: 'accepted', reference: REF, status: 'pending' }],
    ['nested data', 200, { data: { reference: REF, status: 'PENDING' } }, { kind: 'accepted', reference: REF, status: 'pending' }],
    ['envelope with its own status', 200, { status: 200, data: { reference: REF, status: 'SUCCESS' } }, { kind: 'accepted', reference: REF, status: 'successful' }],
    [
      '200 FAILED with reference',
      200,
      { reference: REF, status: 'FAILED', reason: 'LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED' },
      { kind: 'accepted', reference: REF, status: 'failed', reason: 'insufficient_funds' },
    ],
    ['200 FAILED without reference', 200, { status: 'FAILED', reason: 'PAYER NOT FOUND' }, { kind: 'refused', reason: 'payer_not_found' }],
    ['200 FAILED with SDK code', 200, { status: 'FAILED', statusCode: 555 }, { kind: 'refused', reason: 'invalid_number' }],
    ['200 CANCELLED', 200, { reference: REF, status: 'CANCELLED' }, { kind: 'accepted', reference: REF, status: 'failed', reason: 'cancelled' }],
    [
      'redirect answer',
      200,
      { reference: REF, status: 'PENDING', payment_url: 'https://pay.example/x', order_id: REF },
      { kind: 'accepted', reference: REF, status: 'pending', paymentUrl: 'https://pay.example/x', orderId: REF },
    ],
    [
      'redirect answer with order_id only and no status',
      200,
      { payment_url: 'https://pay.example/x', order_id: 'ord-1' },
      { kind: 'accepted', reference: 'ord-1', status: 'pending', paymentUrl: 'https://pay.example/x', orderId: 'ord-1' },
    ],
    ['201 OTP request', 201, { reference: REF, status: 'PENDING', otp_required: true }, { kind: 'accepted', reference: REF, status: 'pending', otpRequired: true }],
    ['201 OTP request by message only', 201, { reference: REF, message: 'Please send the OTP' }, { kind: 'accepted', reference: REF, status: 'pending', otpRequired: true }],
    [
      'redirect to a page that is not https',
      200,
      { reference: REF, status: 'PENDING', payment_url: 'javascript:alert(1)' },
      { kind: 'not_understood', why: 'unusable payment_url' },
    ],
    [
      'redirect over plain http from the real FeexPay',
      200,
      { reference: REF, status: 'PENDING', payment_url: 'http://pay.example/x' },
      { kind: 'not_understood', why: 'unusable payment_url' },
    ],
    ['unknown status word', 200, { reference: REF, status: 'COMPLETED' }, { kind: 'not_understood', why: 'unrecognised status' }],
    ['no status', 200, { reference: REF }, { kind: 'not_understood', why: 'unrecognised status' }],
    ['pending without reference', 200, { status: 'PENDING' }, { kind: 'not_understood', why: 'no reference' }],
    ['reference with a slash', 200, { reference: '../admin', status: 'PENDING' }, { kind: 'not_understood', why: 'no reference' }],
    ['array', 200, [REF], { kind: 'not_understood', why: 'not a JSON object' }],
    ['string', 200, 'ok', { kind: 'not_understood', why: 'not a JSON object' }],
    ['null', 200, null, { kind: 'not_understood', why: 'not a JSON object' }],
  ];
  for (const [name, http, body, expected] of table) {
    it(name, () => assert.deepEqual(parseRequestToPayAnswer(http, body), expected));
  }
});

describe('parseStatusAnswer', () => {
  type Expected = ReturnType<typeof parseStatusAnswer> extends infer R ? (R extends { kind: 'found' } ? Omit<R, 'answer'> : R) : never;
  const table: [string, unknown, Expected][] = [
    [
      'PENDING',
      { reference: REF, amount: 100, status: 'PENDING', phoneNumber: '2290167000000', reason: '' },
      { kind: 'found', reference: REF, status: 'pending', amount: 100, phoneNumber: '2290167000000' },
    ],
    ['IN PENDING STATE', { reference: REF, status: 'IN PENDING STATE' }, { kind: 'found', reference: REF, status: 'pending' }],
    ['SUCCESSFUL', { reference: REF, amount: 100, status: 'SUCCESSFUL', reason: '' }, { kind: 'found', reference: REF, status: 'successful', amount: 100 }],
    [
      'SUCCESS, phone_number, no amount',
      { reference: REF, status: 'SUCCESS', phone_number: '2290167000000' },
      { kind: 'found', reference: REF, status: 'successful', phoneNumber: '2290167000000' },
    ],
    [
      'phone as a JSON number, reseau',
      { reference: REF, status: 'SUCCESSFUL', phoneNumber: 2290167000000, reseau: 'MTN' },
      { kind: 'found', reference: REF, status: 'successful', phoneNumber: '2290167000000', networkLabel: 'MTN' },
    ],
    ['nested data', { data: { reference: REF, status: 'SUCCESSFUL', amount: '100' } }, { kind: 'found', reference: REF, status: 'successful', amount: 100 }],
    [
      'FAILED low balance',
      { reference: REF, status: 'FAILED', reason: 'LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED' },
      { kind: 'found', reference: REF, status: 'failed', reason: 'insufficient_funds' },
    ],
    ['FAILED PAYER_NOT_FOUND', { reference: REF, status: 'FAILED', reason: 'PAYER_NOT_FOUND' }, { kind: 'found', reference: REF, status: 'failed', reason: 'payer_not_found' }],
    ['FAILED PAYER NOT FOUND', { reference: REF, status: 'FAILED', reason: 'PAYER NOT FOUND' }, { kind: 'found', reference: REF, status: 'failed', reason: 'payer_not_found' }],
    ['FAILED code 10', { reference: REF, status: 'FAILED', statusCode: 10 }, { kind: 'found', reference: REF, status: 'failed', reason: 'insufficient_funds' }],
    ['FAILED code 37', { reference: REF, status: 'FAILED', statusCode: '37' }, { kind: 'found', reference: REF, status: 'failed', reason: 'below_minimum' }],
    ['FAILED code 92', { reference: REF, status: 'FAILED', status_code: 92 }, { kind: 'found', reference: REF, status: 'failed', reason: 'cancelled' }],
    ['FAILED code 555', { reference: REF, status: 'FAILED', statusCode: 555 }, { kind: 'found', reference: REF, status: 'failed', reason: 'invalid_number' }],
    ['FAILED unseen reason', { reference: REF, status: 'FAILED', reason: 'NEW_THING' }, { kind: 'found', reference: REF, status: 'failed', reason: 'unknown' }],
    ['FAILED no reason', { reference: REF, status: 'FAILED' }, { kind: 'found', reference: REF, status: 'failed', reason: 'unknown' }],
    ['CANCELLED', { reference: REF, status: 'CANCELLED', reason: '' }, { kind: 'found', reference: REF, status: 'failed', reason: 'cancelled' }],
    ['no reference in body', { status: 'SUCCESSFUL' }, { kind: 'found', reference: REF, status: 'successful' }],
    ['order_id matches', { reference: 'other', order_id: REF, status: 'SUCCESSFUL' }, { kind: 'found', reference: REF, status: 'successful' }],
    ['another payment', { reference: 'someone-else', status: 'SUCCESSFUL' }, { kind: 'not_understood', why: 'reference mismatch' }],
    ['unknown status word', { reference: REF, status: 'DONE' }, { kind: 'not_understood', why: 'unrecognised status' }],
    ['missing status', { reference: REF, amount: 100 }, { kind: 'not_understood', why: 'unrecognised status' }],
    ['not-found message', { message: 'Transaction not found' }, { kind: 'not_found' }],
    ['null data', { data: null }, { kind: 'not_found' }],
    ['null', null, { kind: 'not_found' }],
    ['array', [], { kind: 'not_understood', why: 'not a JSON object' }],
  ];
  // The raw answer kept for review items is checked on its own below.
  const withoutAnswer = (r: ReturnType<typeof parseStatusAnswer>) => {
    if (r.kind !== 'found') return r;
    const { answer: _answer, ...rest } = r;
    return rest;
  };
  for (const [name, body, expected] of table) {
    it(name, () => assert.deepEqual(withoutAnswer(parseStatusAnswer(REF, body)), expected));
  }

  it("keeps FeexPay's answer for review items without names, email or the full phone number", () => {
    const r = parseStatusAnswer(REF, {
      reference: REF,
      status: 'SUCCESSFUL',
      amount: 150,
      phoneNumber: 2290167000042,
      first_name: 'Ada',
      last_name: 'L',
      email: 'a@example.com',
      reseau: 'MTN',
    });
    assert.equal(r.kind, 'found');
    if (r.kind !== 'found') return;
    assert.deepEqual(r.answer, { reference: REF, status: 'SUCCESSFUL', amount: 150, phoneNumber: '***0042', reseau: 'MTN' });
  });
});

describe('HTTP answer interpretation', () => {
  const answer = (httpStatus: number, text?: string) => ({ kind: 'answer' as const, httpStatus, text });
  it('request-to-pay: 4xx is a rejection, 5xx/3xx/garbage are unknown, never success', () => {
    for (const s of [400, 401, 403, 404, 422]) {
      assert.deepEqual(interpretRequestToPay(answer(s, '{}'), 1), { kind: 'rejected', httpStatus: s, reason: 'provider_rejected', durationMs: 1 });
    }
    assert.deepEqual(interpretRequestToPay(answer(500, '{}'), 1), { kind: 'unknown', cause: 'server_error', httpStatus: 500, durationMs: 1 });
    assert.deepEqual(interpretRequestToPay(answer(502, '<html>'), 1), { kind: 'unknown', cause: 'server_error', httpStatus: 502, durationMs: 1 });
    assert.deepEqual(interpretRequestToPay(answer(302, ''), 1), { kind: 'unknown', cause: 'bad_response', httpStatus: 302, durationMs: 1 });
    assert.deepEqual(interpretRequestToPay(answer(200, '<html>'), 1), { kind: 'unknown', cause: 'bad_response', httpStatus: 200, durationMs: 1 });
    assert.deepEqual(interpretRequestToPay(answer(200, ''), 1), { kind: 'unknown', cause: 'bad_response', httpStatus: 200, durationMs: 1 });
    assert.deepEqual(interpretRequestToPay(answer(200, undefined), 1), { kind: 'unknown', cause: 'bad_response', httpStatus: 200, durationMs: 1 });
    assert.deepEqual(interpretRequestToPay({ kind: 'failed', cause: 'timeout' }, 1), { kind: 'unknown', cause: 'timeout', durationMs: 1 });
    assert.deepEqual(interpretRequestToPay({ kind: 'failed', cause: 'network' }, 1), { kind: 'unknown', cause: 'network', durationMs: 1 });
    assert.deepEqual(interpretRequestToPay(answer(200, '{"status":"FAILED","reason":"PAYER_NOT_FOUND"}'), 1), {
      kind: 'rejected',
      httpStatus: 200,
      reason: 'payer_not_found',
      durationMs: 1,
    });
  });
  it('request-to-pay: error bodies are read as text first, JSON or not', () => {
    const rejected = (httpStatus: number, reason: string) => ({ kind: 'rejected', httpStatus, reason, durationMs: 1 });
    assert.deepEqual(interpretRequestToPay(answer(400, '{"responsemsg":"UNKNOWN MOBILE NUMBER"}'), 1), rejected(400, 'payer_not_found'));
    assert.deepEqual(interpretRequestToPay(answer(400, 'UNKNOWN MOBILE NUMBER'), 1), rejected(400, 'payer_not_found'));
    assert.deepEqual(interpretRequestToPay(answer(422, '{"statusCode":"37"}'), 1), rejected(422, 'below_minimum'));
    assert.deepEqual(interpretRequestToPay(answer(503, '<html><body>Network Unavailable</body></html>'), 1), rejected(503, 'network_unavailable'));
    assert.deepEqual(interpretRequestToPay(answer(500, '{"message":"Network Unavailable"}'), 1), rejected(500, 'network_unavailable'));
    // A 5xx saying anything else may have reached the operator: unknown.
    assert.deepEqual(interpretRequestToPay(answer(500, '{"statusCode":"10"}'), 1), { kind: 'unknown', cause: 'server_error', httpStatus: 500, durationMs: 1 });
  });
  it('card init: SUCCESSFUL/SUCCESS/200 with a page and a reference, else unknown or refused', () => {
    const url = 'https://checkout.example/card/1';
    const accepted = { kind: 'accepted', reference: REF, paymentUrl: url };
    assert.deepEqual(parseCardInitAnswer({ status: 'SUCCESSFUL', reference: REF, data: { url } }), accepted);
    assert.deepEqual(parseCardInitAnswer({ status: 200, data: { url, reference: REF } }), accepted);
    assert.deepEqual(parseCardInitAnswer({ status: 'SUCCESS', url, reference: REF }), accepted);
    assert.deepEqual(parseCardInitAnswer({ status: 'SUCCESSFUL', data: { url } }), { kind: 'not_understood', why: 'no reference' });
    assert.deepEqual(parseCardInitAnswer({ status: 'SUCCESSFUL', reference: REF, data: { url: 'http://evil.example/x' } }), { kind: 'not_understood', why: 'no card page url' });
    // Plain http only when FeexPay itself is reached over http (a simulator).
    assert.deepEqual(parseCardInitAnswer({ status: 'SUCCESSFUL', reference: REF, data: { url: 'http://simulator:4010/checkout/1' } }, true).kind, 'accepted');
    assert.deepEqual(parseCardInitAnswer({ status: 'SUCCESSFUL', reference: REF, data: { url: 'javascript:alert(1)' } }, true), {
      kind: 'not_understood',
      why: 'no card page url',
    });
    assert.deepEqual(parseCardInitAnswer({ status: 'FAILED', statusCode: '10' }), { kind: 'refused', reason: 'insufficient_funds' });
    assert.deepEqual(parseCardInitAnswer({ message: 'Network Unavailable' }), { kind: 'refused', reason: 'network_unavailable' });
    assert.deepEqual(parseCardInitAnswer({ status: 'PENDING' }), { kind: 'not_understood', why: 'unrecognised status' });
    assert.deepEqual(interpretCardInit(answer(200, '<html>'), 1), { kind: 'unknown', cause: 'bad_response', httpStatus: 200, durationMs: 1 });
    assert.deepEqual(interpretCardInit(answer(400, 'bad'), 1), { kind: 'rejected', httpStatus: 400, reason: 'provider_rejected', durationMs: 1 });
  });
  it('fee preview: { iffees, amount, total } with total >= amount', () => {
    assert.deepEqual(parseFeePreviewAnswer({ iffees: true, amount: 1000, total: 1017, message: 'ok' }, 1000), {
      kind: 'ok',
      amount: 1000,
      fees: 17,
      total: 1017,
      customerPaysFees: true,
    });
    assert.deepEqual(parseFeePreviewAnswer({ iffees: false, amount: '1000', total: '1000' }, 1000), { kind: 'ok', amount: 1000, fees: 0, total: 1000, customerPaysFees: false });
    assert.deepEqual(parseFeePreviewAnswer({ amount: 1000, total: 900 }, 1000), { kind: 'not_understood', why: 'no total' });
    assert.deepEqual(parseFeePreviewAnswer({ amount: 5, total: 9 }, 1000), { kind: 'not_understood', why: 'amount mismatch' });
    assert.deepEqual(interpretFeePreview(answer(404, ''), 1000, 1), { kind: 'unavailable', cause: 'rejected', httpStatus: 404, durationMs: 1 });
    assert.deepEqual(interpretFeePreview(answer(502, '<html>'), 1000, 1), { kind: 'unavailable', cause: 'server_error', httpStatus: 502, durationMs: 1 });
  });
  it('status: 404 is not_found, other failures are unavailable', () => {
    assert.deepEqual(interpretStatus(REF, answer(404, '{"message":"not found"}'), 1), { kind: 'not_found', durationMs: 1 });
    assert.deepEqual(interpretStatus(REF, answer(401, '{}'), 1), { kind: 'unavailable', cause: 'bad_response', httpStatus: 401, durationMs: 1 });
    assert.deepEqual(interpretStatus(REF, answer(503, ''), 1), { kind: 'unavailable', cause: 'server_error', httpStatus: 503, durationMs: 1 });
    assert.deepEqual(interpretStatus(REF, answer(200, 'not json'), 1), { kind: 'unavailable', cause: 'bad_response', httpStatus: 200, durationMs: 1 });
    assert.deepEqual(interpretStatus(REF, { kind: 'failed', cause: 'timeout' }, 1), { kind: 'unavailable', cause: 'timeout', durationMs: 1 });
    assert.deepEqual(interpretStatus(REF, answer(200, JSON.stringify({ reference: REF, status: 'SUCCESS' })), 1), {
      kind: 'found',
      reference: REF,
      status: 'successful',
      answer: { reference: REF, status: 'SUCCESS' },
      durationMs: 1,
    });
  });
});
