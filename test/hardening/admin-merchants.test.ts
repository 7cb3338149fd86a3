/**
 * Merchants through the running service (/admin/api/merchants): create, list, disable, rotate a
 * key. Works on the embedded database while the service holds it, which merchant:create cannot.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';

const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'merchants-admin-password' };
const auth = { authorization: 'Basic ' + Buffer.from(`${ADMIN.ADMIN_USER}:${ADMIN.ADMIN_PASSWORD}`).toString('base64') };
const TTL_MS = 1_000;

let t: TestApp;
before(async () => {
  t = await startTestApp('admin-merchants', { ...ADMIN, API_KEY_CACHE_TTL_MS: String(TTL_MS) });
});
after(async () => t.close());

const admin = (method: string, path: string, body?: unknown) => call(t.url, method, `/admin/api${path}`, { headers: auth, body });
const works = async (key: string) => (await call(t.url, 'GET', '/v1/payments', { apiKey: key })).status;

test('create, list, rotate, disable: each takes effect within the key cache life', async () => {
  const created = await admin('POST', '/merchants', { name: 'Boutique Ọlá' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.headers.get('cache-control'), 'no-store');
  const { merchant, api_key: key, test_api_key: testKey } = created.body;
  assert.match(key, /^fgw_live_[A-Za-z0-9_-]{32}$/);
  assert.match(testKey, /^fgw_test_[A-Za-z0-9_-]{32}$/);
  assert.equal(await works(key), 200);
  assert.equal(await works(testKey), 200);

  const list = await admin('GET', '/merchants');
  assert.equal(list.status, 200);
  const listed = list.body.data.find((m: { id: string }) => m.id === merchant.id);
  assert.equal(listed.name, 'Boutique Ọlá');
  assert.equal(listed.api_key_prefix, key.slice(0, 13));
  assert.equal(listed.test_api_key_prefix, testKey.slice(0, 13));
  assert.ok(!JSON.stringify(list.body).includes(key.slice(13)) && !JSON.stringify(list.body).includes(testKey.slice(13)), 'the list never holds a key');

  const rotated = await admin('POST', `/merchants/${merchant.id}/api-key`);
  assert.equal(rotated.status, 200);
  const newKey = rotated.body.api_key;
  assert.notEqual(newKey, key);
  assert.equal(await works(newKey), 200);
  await waitFor(async () => (await works(key)) === 401, TTL_MS + 2_000, 50);
  assert.equal(await works(testKey), 200, 'rotating the live key leaves the test key');
  const rotatedTest = await admin('POST', `/merchants/${merchant.id}/api-key`, { mode: 'test' });
  assert.equal(rotatedTest.status, 200);
  assert.match(rotatedTest.body.api_key, /^fgw_test_/);
  await waitFor(async () => (await works(testKey)) === 401, TTL_MS + 2_000, 50);
  assert.equal((await admin('POST', `/merchants/${merchant.id}/api-key`, { mode: 'sandbox' })).status, 400);

  const disabled = await admin('POST', `/merchants/${merchant.id}/disable`);
  assert.equal(disabled.status, 200);
  assert.ok(disabled.body.merchant.disabled_at);
  await waitFor(async () => (await works(newKey)) === 401, TTL_MS + 2_000, 50);
  const again = await admin('POST', `/merchants/${merchant.id}/disable`);
  assert.equal(again.body.merchant.disabled_at, disabled.body.merchant.disabled_at, 'disabling twice keeps the first time');
});

test('bad requests name the problem; no admin credentials, no access', async () => {
  for (const name of ['', 'a\u0000b', 'x\ud800', 'tab\there', 'n'.repeat(201)]) {
    const r = await admin('POST', '/merchants', { name });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.error.message, /body\.name/);
  }
  assert.equal((await admin('POST', '/merchants', { name: 'x', extra: 1 })).status, 400);
  const missing = await admin('POST', '/merchants/00000000-0000-4000-8000-000000000000/disable');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'merchant_not_found');
  assert.equal((await admin('POST', '/merchants/not-a-uuid/api-key')).status, 400);
  assert.equal((await call(t.url, 'POST', '/admin/api/merchants', { body: { name: 'x' } })).status, 401);
  assert.equal((await call(t.url, 'GET', '/admin/api/merchants', { apiKey: t.apiKey })).status, 401, 'a merchant key opens nothing here');
});
