/**
 * What the service loads only when its setting asks for it: ioredis with REDIS_URL, nodemailer
 * with SMTP alerts. A replica without them does not carry their code (about 2 MB of heap for
 * ioredis alone). Both are CommonJS packages, so once loaded they are in require's cache.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { beninPhone, startTestApp, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

const loaded = (pkg: string) => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(`/node_modules/${pkg}/`));

let t: TestApp;

before(async () => {
  t = await startTestApp('optional-dependencies');
});

after(() => t?.close());

test('without REDIS_URL or SMTP settings, a service that took a payment has loaded neither ioredis nor nodemailer', async () => {
  const created = await call(t.url, 'POST', '/v1/payments', {
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey('optional') },
    body: { amount: 1500, currency: 'XOF', network: 'mtn', phone_number: beninPhone('00') },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(t.config.redisUrl, null);
  assert.equal(loaded('ioredis'), false, 'ioredis');
  assert.equal(loaded('nodemailer'), false, 'nodemailer');
  // The check itself sees a package once it is loaded.
  await import('ioredis');
  assert.equal(loaded('ioredis'), true);
});
