import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskLogObject } from '../../src/observability/log-serializers.ts';
import { maskPii, maskString } from '../../src/observability/pii.ts';

const UUID = '3f1c2a9e-0b7d-4c1e-9a55-426614174000';
const KEY = `fp_${'A1b2C3d4'.repeat(8)}`;

test('masks phone numbers in text, in every written form, but not ids, amounts or dates', () => {
  for (const phone of ['2290167000000', '+2290167000000', '0167000000', '67000000', '+229 01 67 00 00 00', '01 67 00 00 00']) {
    const out = maskString(`pay from ${phone}, thanks`);
    assert.equal(out, 'pay from [phone], thanks', phone);
  }
  const kept = [
    `payment ${UUID} of 2500 XOF`,
    'amount=1500000',
    'at 2026-11-24T13:40:00.123Z',
    'took 12.3456789012 ms',
    'ref 3f1c2a9e0b7d4c1e9a55426614174000',
    'order_123456789',
    'host 10.0.0.12:5432',
  ];
  for (const s of kept) assert.equal(maskString(s), s);
});

test('masks emails, FeexPay keys, bearer and basic credentials, URL credentials, webhook tokens', () => {
  const out = maskString(
    `to koffi.mensah@example.bj with Authorization: Bearer ${KEY} (key ${KEY}) basic Basic dXNlcjpwYXNz ` +
      'smtp://mailer:hunter2@smtp.example.com:587 POST /v1/webhooks/feexpay/wh-T0ken-123?x=1 and /x?token=abc&y=2',
  );
  for (const secret of ['koffi.mensah', KEY, 'A1b2C3d4', 'dXNlcjpwYXNz', 'hunter2', 'mailer:', 'wh-T0ken-123', 'token=abc']) {
    assert.ok(!out.includes(secret), `${secret} in ${out}`);
  }
  assert.match(out, /\/v1\/webhooks\/feexpay\/\[redacted\]\?x=1/);
});

test('masks names and contact fields inside FeexPay bodies quoted as text', () => {
  const body = JSON.stringify({
    phoneNumber: 2290167000000,
    first_name: 'Koffi',
    last_name: "Mensah d'Abomey",
    email: 'k@example.com',
    amount: 100,
    reference: UUID,
  });
  const out = maskString(`FeexPay answered 400: ${body}`);
  for (const s of ['2290167000000', 'Koffi', 'Mensah', 'k@example.com']) assert.ok(!out.includes(s), `${s} in ${out}`);
  assert.ok(out.includes('"amount":100') && out.includes(UUID));
  assert.equal(maskString('first_name=Ama&last_name=Kouassi&amount=100'), 'first_name=[redacted]&last_name=[redacted]&amount=100');
});

test('maskPii walks objects deeply, by key and by value, without mutating its input', () => {
  const input = {
    paymentId: UUID,
    amount: 25_000_000,
    durationMs: 1732,
    time: 1764000000000,
    customer: { name: 'Ama', phone: '22507000000' },
    body: { phoneNumber: 2290167000000, first_name: 'Koffi', note: 'call 0167000000' },
    headers: { authorization: `Bearer ${KEY}`, 'idempotency-key': 'abc-123', Cookie: 'sid=1' },
    list: [{ email: 'a@b.co' }, 'mail me at x.y@z.org', 22890123456],
  };
  const copy = structuredClone(input);
  const measures = maskPii({ app_memory: 22290167000, free_memory: 24328179712, size: 2290167000000, other: 24328179712 });
  assert.deepEqual(measures, { app_memory: 22290167000, free_memory: 24328179712, size: 2290167000000, other: '[phone]' });
  const out = maskPii(input) as typeof input;
  assert.deepEqual(input, copy);
  assert.equal(out.paymentId, UUID);
  assert.equal(out.amount, 25_000_000);
  assert.equal(out.durationMs, 1732);
  assert.equal(out.time, 1764000000000);
  assert.equal(out.customer, '[redacted]');
  assert.deepEqual(out.body, { phoneNumber: '[redacted]', first_name: '[redacted]', note: 'call [phone]' });
  assert.deepEqual(out.headers, { authorization: '[redacted]', 'idempotency-key': 'abc-123', Cookie: '[redacted]' });
  assert.deepEqual(out.list, [{ email: '[redacted]' }, 'mail me at [email]', '[phone]']);
});

test('maskPii survives cycles and turns errors into masked plain objects', () => {
  const a: Record<string, unknown> = { phone: '2290167000000' };
  a.self = a;
  const shared = { v: 1 };
  const out = maskPii({ a, x: shared, y: shared }) as Record<string, Record<string, unknown>>;
  assert.equal(out.a?.self, '[Circular]');
  assert.deepEqual(out.y, { v: 1 });

  const err = Object.assign(new TypeError('refused 2290167000000'), {
    statusCode: 400,
    body: { phone_number: '2290167000000' },
  });
  err.cause = new Error('for koffi@example.com');
  const e = maskPii(err) as Record<string, unknown>;
  assert.equal(e.type, 'TypeError');
  assert.equal(e.message, 'refused [phone]');
  assert.ok(typeof e.stack === 'string' && !e.stack.includes('2290167000000'));
  assert.equal(e.statusCode, 400);
  assert.deepEqual(e.body, { phone_number: '[redacted]' });
  assert.equal((e.cause as Record<string, unknown>).message, 'for [email]');
  assert.ok(!JSON.stringify(e).includes('2290167000000'));
});

test('maskPii masks a scalar on its own as it does inside an object', () => {
  assert.equal(maskPii('call 0167000000'), 'call [phone]');
  assert.equal(maskPii(22890123456), '[phone]');
  assert.equal(maskPii(22890123456n), '[phone]');
  assert.equal(maskPii(1.25), 1.25);
  assert.equal(maskPii(null), null);
  assert.equal(maskPii(true), true);
});

test('a log object nothing in which is masked is passed on as it is; one that is, as a masked copy', () => {
  const req = { method: 'GET', url: '/v1/payments/x' };
  const access = { req, res: { statusCode: 200 }, responseTime: 1.25, paymentId: UUID };
  assert.equal(maskLogObject(access), access);

  const step = { paymentId: UUID, status: 'pending', phone: '22997000000', note: 'from 0167000000', req, attempts: 2 };
  const copy = structuredClone(step);
  const out = maskLogObject(step);
  assert.notEqual(out, step);
  assert.deepEqual(step, copy);
  assert.deepEqual(Object.keys(out), Object.keys(step));
  assert.deepEqual(out, { paymentId: UUID, status: 'pending', phone: '[redacted]', note: 'from [phone]', req, attempts: 2 });
  // A serializer's key is left to its serializer, even when its value would be masked.
  const raw = { req: 'from 0167000000' };
  assert.equal(maskLogObject(raw), raw);
});
