/**
 * Failed authentications are limited per client, and "client" is the TCP peer unless TRUST_PROXY
 * names the hops in front: 400 wrong admin passwords with 400 different X-Forwarded-For values
 * are one client; with TRUST_PROXY=1 each forwarded address is its own.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, trustProxyOption } from '../../src/config.ts';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';

const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'auth-limits-password-1' };
const LIMIT = 5;
const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
const wrongKey = (i: number) => `fgw_${String(i).padStart(32, 'x')}`;

let direct: TestApp;
let proxied: TestApp;
before(async () => {
  const env = { ...ADMIN, RATE_LIMIT_AUTH_FAILURES_PER_15_MIN: String(LIMIT) };
  direct = await startTestApp('auth-limits-direct', env);
  // No key cache: every request looks its key up, so the limit is met on each one.
  proxied = await startTestApp('auth-limits-proxied', { ...env, TRUST_PROXY: '1', API_KEY_CACHE_TTL_MS: '0' });
});
after(async () => {
  await direct.close();
  await proxied.close();
});

test('TRUST_PROXY: off by default, a hop count or addresses and CIDR ranges; anything else names the variable', () => {
  assert.equal(loadConfig(TEST_ENV).trustProxy, false);
  assert.equal(loadConfig({ ...TEST_ENV, TRUST_PROXY: 'false' }).trustProxy, false);
  assert.equal(loadConfig({ ...TEST_ENV, TRUST_PROXY: '2' }).trustProxy, 2);
  assert.deepEqual(loadConfig({ ...TEST_ENV, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,loopback,fd00::/8' }).trustProxy, ['10.0.0.0/8', '127.0.0.1', 'loopback', 'fd00::/8']);
  for (const bad of ['true', '10.0.0.0/33', 'proxy.internal', '1.2.3.4/x', '11', ',']) {
    assert.throws(
      () => loadConfig({ ...TEST_ENV, TRUST_PROXY: bad }),
      (err: Error) => err instanceof ConfigError && /TRUST_PROXY/.test(err.message),
      bad,
    );
  }
  const hops = trustProxyOption(2) as (a: string, hop: number) => boolean;
  assert.deepEqual(
    [0, 1, 2].map((h) => hops('10.0.0.1', h)),
    [true, true, false],
  );
});

test('wrong admin passwords are limited per client; distinct X-Forwarded-For values do not escape the limit', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    const r = await call(direct.url, 'GET', '/admin/api/summary', { headers: { authorization: basic('ops', `guess-${i}`), 'x-forwarded-for': `203.0.113.${i}` } });
    statuses.push(r.status);
  }
  assert.deepEqual(statuses.slice(0, LIMIT), Array(LIMIT).fill(401));
  assert.ok(
    statuses.slice(LIMIT).every((s) => s === 429),
    statuses.join(','),
  );
  // Locked out means locked out: the right password from that client waits for the window too.
  const right = await call(direct.url, 'GET', '/admin/api/summary', { headers: { authorization: basic('ops', ADMIN.ADMIN_PASSWORD) } });
  assert.equal(right.status, 429);
  assert.equal(right.body.error.code, 'rate_limited');
  assert.ok(Number(right.headers.get('retry-after')) > 0);
});

test('with TRUST_PROXY=1 the forwarded address is the client: one is locked out, another is not', async () => {
  const from = (ip: string, password: string) => call(proxied.url, 'GET', '/admin/api/summary', { headers: { authorization: basic('ops', password), 'x-forwarded-for': ip } });
  for (let i = 0; i < LIMIT; i++) assert.equal((await from('198.51.100.7', `guess-${i}`)).status, 401);
  assert.equal((await from('198.51.100.7', ADMIN.ADMIN_PASSWORD)).status, 429);
  assert.equal((await from('198.51.100.8', ADMIN.ADMIN_PASSWORD)).status, 200);
});

test('failed API key lookups are limited per client; a key that worked lately is not held up, a new one waits', async () => {
  // Proxied app: its own counters, so the admin test above does not count here.
  const ip = '192.0.2.50';
  assert.equal((await call(proxied.url, 'GET', '/v1/payments', { apiKey: proxied.apiKey, headers: { 'x-forwarded-for': ip } })).status, 200);
  const statuses: number[] = [];
  for (let i = 0; i < LIMIT + 3; i++) statuses.push((await call(proxied.url, 'GET', '/v1/payments', { apiKey: wrongKey(i), headers: { 'x-forwarded-for': ip } })).status);
  assert.deepEqual(statuses, [...Array(LIMIT).fill(401), 429, 429, 429]);
  // Malformed keys cost no lookup and are not counted; a client elsewhere is not affected.
  assert.equal((await call(proxied.url, 'GET', '/v1/payments', { apiKey: 'nope', headers: { 'x-forwarded-for': '192.0.2.51' } })).status, 401);
  assert.equal((await call(proxied.url, 'GET', '/v1/payments', { apiKey: wrongKey(99), headers: { 'x-forwarded-for': '192.0.2.51' } })).status, 401);
  assert.equal(
    (await call(proxied.url, 'GET', '/v1/payments', { apiKey: proxied.apiKey, headers: { 'x-forwarded-for': ip } })).status,
    200,
    'a key found valid lately still works',
  );
  const { apiKey: fresh } = await createMerchant(proxied.database.db, 'merchant never seen');
  assert.equal((await call(proxied.url, 'GET', '/v1/payments', { apiKey: fresh, headers: { 'x-forwarded-for': ip } })).status, 429, 'a key never seen waits for the window');
  assert.equal((await call(proxied.url, 'GET', '/v1/payments', { apiKey: fresh, headers: { 'x-forwarded-for': '192.0.2.52' } })).status, 200);
});
