/** Pure rules the edit-test loop checks first: pairing a FeexPay answer with a payment, and settings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mismatchOf, pairs } from '../../src/payments/pairing.ts';
import type { PaymentRow } from '../../src/payments/repository.ts';
import type { FoundStatus } from '../../src/feexpay/types.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

const payment = { id: '0b6f3c52-3f1e-4d8a-9a4e-6c1d2b7e5f10', amount: 1500, network: 'mtn', phone_number: '2290167000000' } as PaymentRow;
const found = (over: Partial<FoundStatus> = {}): FoundStatus => ({ kind: 'found', reference: 'r-1', status: 'successful', answer: {}, ...over });

test('an answer pairs only when it agrees and ties itself to the payment', () => {
  assert.equal(pairs(payment, found({ amount: 1500 })), true);
  assert.equal(pairs(payment, found({ phoneNumber: '2290167000000' })), true);
  assert.equal(pairs(payment, found()), false, 'nothing ties it to this payment');
  assert.equal(pairs(payment, found({ amount: 1500, answer: { callback_info: 'another-payment' } })), false, 'echoes another id');
  assert.equal(pairs(payment, found({ amount: 1501 })), false);
});

test('the first disagreeing fact is named', () => {
  assert.equal(mismatchOf(payment, found({ amount: 1501 })), 'amount_mismatch');
  assert.equal(mismatchOf(payment, found({ amount: 1500, phoneNumber: '2290167000001' })), 'phone_mismatch');
  assert.equal(mismatchOf(payment, found({ amount: 1500 })), undefined);
});

test('settings: defaults, bounds and refusals naming the variable', () => {
  const config = loadConfig({});
  assert.equal(config.feexpay.requestTimeoutMs, 30_000, 'the 30 s the API description tells clients about');
  assert.equal(config.rateLimit.perPhonePerHour, 10);
  assert.throws(
    () => loadConfig({ FEEXPAY_REQUEST_TIMEOUT_MS: '5' }),
    (e: Error) => e instanceof ConfigError && /FEEXPAY_REQUEST_TIMEOUT_MS/.test(e.message),
  );
  assert.throws(() => loadConfig({ FEEXPAY_API_KEY: 'fp_short' }), /FEEXPAY_API_KEY/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
});
