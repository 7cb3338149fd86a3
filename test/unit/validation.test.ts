/**
 * The validator compiler and the wording of validation errors, on the real route schemas and a
 * real Fastify instance (inject: no port, no database).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { validatorCompiler } from '../../src/validation/validator-compiler.ts';
import { MAX_REPORTED_ERRORS, validationError } from '../../src/validation/describe-errors.ts';
import { CreatePaymentBody, IdempotencyHeaders, ListPaymentsQuery } from '../../src/schemas/payment.ts';
import Type from 'typebox';

async function echo() {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler((err, _req, reply) => reply.status(400).send({ error: validationError(err as never) }));
  app.post('/p', { schema: { body: CreatePaymentBody, headers: IdempotencyHeaders } }, async (req) => req.body);
  app.get('/l', { schema: { querystring: ListPaymentsQuery } }, async (req) => req.query);
  app.post('/many', { schema: { body: Type.Object({ list: Type.Array(Type.Object({ n: Type.Integer() })) }) } }, async () => 'ok');
  await app.ready();
  return app;
}

const valid = { amount: 1500, currency: 'XOF', network: 'mtn', phone_number: '2290167000000' };
const headers = { 'idempotency-key': 'k1', 'content-type': 'application/json' };

test('a query string limit is coerced to the integer it declares; a body amount string is refused', async () => {
  const app = await echo();
  const list = await app.inject({ url: '/l?limit=100' });
  assert.equal(list.statusCode, 200);
  assert.deepEqual(list.json(), { limit: 100 });
  assert.deepEqual((await app.inject({ url: '/l' })).json(), { limit: 20 }, 'the default applies');
  const body = await app.inject({ method: 'POST', url: '/p', headers, payload: { ...valid, amount: '100' } });
  assert.equal(body.statusCode, 400);
  assert.deepEqual(body.json().error.errors, [{ param: 'body.amount', message: 'body.amount must be an integer' }]);
  const ok = await app.inject({ method: 'POST', url: '/p', headers, payload: valid });
  assert.equal(ok.statusCode, 200);
  await app.close();
});

test('booleans and nulls in a body are not coerced either', async () => {
  const app = await echo();
  for (const amount of [true, null, '1e3', [1500]]) {
    const res = await app.inject({ method: 'POST', url: '/p', headers, payload: { ...valid, amount } });
    assert.equal(res.statusCode, 400, JSON.stringify(amount));
    assert.equal(res.json().error.param, 'body.amount');
  }
  await app.close();
});

test('messages are words, one per field, nested fields and headers named as the client wrote them', async () => {
  const app = await echo();
  const res = await app.inject({
    method: 'POST',
    url: '/p',
    headers: { 'content-type': 'application/json' },
    payload: { ...valid, customer: { email: 'nope', first_name: '' }, metadata: { 'bad key!': 'x' } },
  });
  // Headers are validated after the body: with a valid body the missing key is reported.
  const err = res.json().error;
  assert.equal(res.statusCode, 400);
  const byParam = Object.fromEntries((err.errors as { param: string; message: string }[]).map((e) => [e.param, e.message]));
  assert.equal(byParam['body.customer.email'], 'body.customer.email must be an email address');
  assert.equal(byParam['body.customer.first_name'], 'body.customer.first_name must not be empty');
  assert.ok(
    Object.keys(byParam).some((p) => p.startsWith('body.metadata')),
    JSON.stringify(byParam),
  );
  const noKey = await app.inject({ method: 'POST', url: '/p', headers: { 'content-type': 'application/json' }, payload: valid });
  assert.equal(noKey.json().error.code, 'idempotency_key_required');
  assert.equal(noKey.json().error.param, 'header.idempotency-key');
  assert.equal(noKey.json().error.message, 'header.idempotency-key is required');
  const enumError = await app.inject({ url: '/l?status=done' });
  assert.match(enumError.json().error.message, /^query\.status must be one of: pending, successful, failed, expired, needs_review$/);
  await app.close();
});

test(`at most ${MAX_REPORTED_ERRORS} problems are reported, however many there are`, async () => {
  const app = await echo();
  const res = await app.inject({ method: 'POST', url: '/many', payload: { list: Array.from({ length: 500 }, () => ({ n: 'x' })) } });
  const err = res.json().error;
  assert.equal(err.errors.length, MAX_REPORTED_ERRORS);
  assert.equal(err.errors[0].param, 'body.list.0.n');
  assert.match(err.message, /and 19 more/);
  await app.close();
});

test('a rejected value is never kept on the error (no customer data can reach a log)', () => {
  const validate = validatorCompiler({ schema: CreatePaymentBody, httpPart: 'body', method: 'POST', url: '/p' }) as ((d: unknown) => boolean) & { errors: unknown[] };
  assert.equal(validate({ ...valid, phone_number: 'secret-22901' }), false);
  assert.ok(validate.errors.length > 0);
  assert.equal(JSON.stringify(validate.errors).includes('secret-22901'), false);
});
