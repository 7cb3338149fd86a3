/**
 * What every answer carries and who can reach what: security headers on the API, 413 and 431 in
 * the API's error shape, the built-in simulator's control API only from loopback unless switched
 * on, and a disabled API key refused on every replica within the cache's life.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { LOG_DIR, startTestApp, TEST_ENV, waitFor, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startSimulator } from '../../src/feexpay/simulator/server.ts';
import { call, newKey, type Answer } from '../helpers/http.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp('http-surface', { API_KEY_CACHE_TTL_MS: '1000' });
});
after(async () => t.close());

test('API answers carry nosniff, no-store, a deny-all CSP, no referrer, no framing', async () => {
  const answers = [
    await call(t.url, 'GET', '/v1/payments', { apiKey: t.apiKey }),
    await call(t.url, 'GET', '/v1/payments/not-a-uuid', { apiKey: t.apiKey }),
    await call(t.url, 'GET', '/v1/payments'),
    await call(t.url, 'GET', '/nowhere'),
    await call(t.url, 'GET', '/health/ready'),
  ];
  for (const r of answers) {
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  }
  // The docs page keeps working: its HTML gets no deny-all CSP.
  const docs = await fetch(`${t.url}/docs/static/index.html`);
  assert.equal(docs.status, 200);
  assert.equal(docs.headers.get('content-security-policy'), null);
  assert.equal(docs.headers.get('x-content-type-options'), 'nosniff');
});

test('413 and 431 answer in the API error shape', async () => {
  const big = await call(t.url, 'POST', '/v1/payments', {
    apiKey: t.apiKey,
    rawBody: `{"pad":"${'x'.repeat(70_000)}"}`,
    headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
  });
  assert.equal(big.status, 413);
  assert.deepEqual(Object.keys(big.body), ['error']);
  assert.equal(big.body.error.code, 'payload_too_large');

  const { port } = new URL(t.url);
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
    socket.end(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  });
  assert.match(raw, /^HTTP\/1\.1 431 /);
  const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
  assert.deepEqual(body, { error: { code: 'headers_too_large', message: 'The request headers are too large.' } });
  assert.match(raw, /x-content-type-options: nosniff/i);
});

test('a disabled API key is refused within the cache life (API_KEY_CACHE_TTL_MS)', async () => {
  assert.equal((await call(t.url, 'GET', '/v1/payments', { apiKey: t.apiKey })).status, 200);
  await t.database.db('merchants').where({ id: t.merchantId }).update({ disabled_at: new Date() });
  const disabledAt = Date.now();
  await waitFor(async () => (await call(t.url, 'GET', '/v1/payments', { apiKey: t.apiKey })).status === 401, 3_000, 50);
  assert.ok(Date.now() - disabledAt <= 1_500, `refused after ${Date.now() - disabledAt} ms`);
  await t.database.db('merchants').where({ id: t.merchantId }).update({ disabled_at: null });
});

function nonLoopbackAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

async function listenOnAllInterfaces(name: string, env: Record<string, string>, database: TestDatabase): Promise<{ app: FastifyInstance; port: number }> {
  const config = loadConfig({ ...TEST_ENV, ...env, HOST: '0.0.0.0' });
  const app = await buildApp(config, { db: database.db, logFile: path.join(LOG_DIR, `${name}.log`) });
  await app.listen({ host: '0.0.0.0', port: 0 });
  return { app, port: (app.server.address() as AddressInfo).port };
}

test('the built-in simulator (its control API included) answers loopback clients only, whatever HOST is', async (c) => {
  const external = nonLoopbackAddress();
  if (!external) return c.skip('no non-loopback IPv4 address on this machine');
  const database = await createTestDatabase();
  try {
    const { app, port } = await listenOnAllInterfaces('http-surface-sim', {}, database);
    try {
      const local = await call(`http://127.0.0.1:${port}`, 'GET', '/_feexpay/_simulator/counters');
      assert.equal(local.status, 200);
      const remote: Answer = await call(`http://${external}:${port}`, 'GET', '/_feexpay/_simulator/counters');
      assert.equal(remote.status, 404, `from ${external}`);
      const force: Answer = await call(`http://${external}:${port}`, 'POST', '/_feexpay/_simulator/webhook-url', { body: { url: 'http://attacker.example/' } });
      assert.equal(force.status, 404);
      // Spoofing the address in X-Forwarded-For opens nothing.
      const spoofed: Answer = await call(`http://${external}:${port}`, 'GET', '/_feexpay/_simulator/counters', { headers: { 'x-forwarded-for': '127.0.0.1' } });
      assert.equal(spoofed.status, 404);
      // The API itself is served on every interface.
      assert.equal((await call(`http://${external}:${port}`, 'GET', '/health/live')).status, 200);
    } finally {
      app.feexpaySimulator?.close();
      await app.close();
    }
  } finally {
    await database.drop();
  }
});

test('the standalone simulator: control API for loopback only unless SIMULATOR_CONTROL_FROM_NETWORK=true', async (c) => {
  const external = nonLoopbackAddress();
  if (!external) return c.skip('no non-loopback IPv4 address on this machine');
  for (const [controlFromNetwork, expected] of [
    [false, 404],
    [true, 200],
  ] as const) {
    const sim = await startSimulator({ host: '0.0.0.0', controlFromNetwork });
    try {
      const port = new URL(sim.url).port;
      assert.equal((await call(`http://127.0.0.1:${port}`, 'GET', '/_simulator/counters')).status, 200);
      const remote: Answer = await call(`http://${external}:${port}`, 'GET', '/_simulator/counters');
      assert.equal(remote.status, expected, `controlFromNetwork ${controlFromNetwork}`);
    } finally {
      await sim.close();
    }
  }
});
