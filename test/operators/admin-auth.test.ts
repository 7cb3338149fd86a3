/**
 * The admin gate (@fastify/basic-auth) over real HTTP: the right login opens the pages and the
 * JSON API, a wrong or missing one gets a 401 with the realm and no data, on every admin route;
 * the operator's name still lands in the audit; without a usable password /admin does not exist.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { LOG_DIR, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { hoursAgo, insertPayments } from './fixtures.ts';

const ADMIN = { user: 'ops-été', password: 'correct horse battery staple ünïcode' };
const basic = (user: string, password: string, scheme = 'Basic') => `${scheme} ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const asAdmin = { authorization: basic(ADMIN.user, ADMIN.password) };
const REALM = 'Basic realm="feexpay-gateway admin", charset="UTF-8"';

const HTML = ['/admin', '/admin/networks', '/admin/payments?q=abc'];
const JSON_API = ['/admin/api/summary', '/admin/api/networks', '/admin/api/review-items', '/admin/api/payments?q=abc'];

let t: TestApp;

before(async () => {
  t = await startTestApp('admin-auth', { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT_AUTH_FAILURES_PER_15_MIN: '1000' });
});
after(async () => t.close());

describe('admin Basic auth', () => {
  test('the right login opens every page and the JSON API; the scheme is case-insensitive', async () => {
    for (const path of [...HTML, ...JSON_API]) {
      const res = await call(t.url, 'GET', path, { headers: asAdmin });
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', HTML.includes(path) ? /^text\/html/ : /^application\/json/, path);
    }
    for (const scheme of ['basic', 'BASIC']) {
      assert.equal((await call(t.url, 'GET', '/admin/api/summary', { headers: { authorization: basic(ADMIN.user, ADMIN.password, scheme) } })).status, 200, scheme);
    }
  });

  const wrong: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['a wrong password', { authorization: basic(ADMIN.user, `${ADMIN.password}x`) }],
    ['a wrong user', { authorization: basic('ops-ete', ADMIN.password) }],
    ['an empty login', { authorization: basic('', '') }],
    ['a header that is not Basic', { authorization: 'Bearer fgw_live_x' }],
    ['undecodable credentials', { authorization: 'Basic !!!' }],
    ['no colon', { authorization: `Basic ${Buffer.from(ADMIN.user).toString('base64')}` }],
  ];
  for (const [what, headers] of wrong) {
    test(`${what}: 401 with the realm and no data, on pages and API alike`, async () => {
      for (const path of [...HTML, ...JSON_API]) {
        const res = await call(t.url, 'GET', path, { headers });
        assert.equal(res.status, 401, path);
        assert.equal(res.headers.get('www-authenticate'), REALM, path);
        assert.equal(res.headers.get('cache-control'), 'no-store', path);
        assert.deepEqual(Object.keys(res.body), ['error'], path);
        assert.equal(res.body.error.code, 'unauthorized', path);
      }
    });
  }

  test('a write with a wrong login changes nothing; with the right one it is audited with the operator name', async () => {
    const [id] = await insertPayments(t.database.db, t.merchantId, [{ status: 'needs_review', amount: 1500, createdAt: hoursAgo(3) }]);
    const decision = { status: 'failed', reason: 'FeexPay has no such collection', operator: 'Awa Diop' };
    const refused = await call(t.url, 'POST', `/admin/api/payments/${id}/decision`, { body: decision, headers: { authorization: basic(ADMIN.user, 'guess-guess-guess') } });
    assert.equal(refused.status, 401);
    assert.equal((await t.database.db('payments').where({ id }).first()).status, 'needs_review');

    const done = await call(t.url, 'POST', `/admin/api/payments/${id}/decision`, { body: decision, headers: asAdmin });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const e = await t.database.db('payment_events').where({ payment_id: id, to_status: 'failed' }).first();
    assert.deepEqual([e.source, e.detail.operator, e.detail.reason], ['operator', 'Awa Diop', decision.reason]);
  });

  test('refused logins are logged with the client address, never the password tried', async () => {
    // The test log is written asynchronously: wait for the line rather than read too early.
    const log = await waitFor(async () => {
      const text = fs.existsSync(`${LOG_DIR}/admin-auth.log`) ? fs.readFileSync(`${LOG_DIR}/admin-auth.log`, 'utf8') : '';
      return /admin: rejected credentials/.test(text) && text;
    }, 5_000);
    assert.equal(log.includes('guess-guess-guess'), false);
    assert.equal(log.includes(basic(ADMIN.user, 'guess-guess-guess').slice(6)), false, 'nor the header that carried it');
    assert.equal(log.includes(ADMIN.password), false);
  });
});

describe('admin without usable credentials', () => {
  for (const [what, env, message] of [
    ['no ADMIN_PASSWORD', {}, /admin dashboard disabled: ADMIN_PASSWORD is not set/],
    ['an ADMIN_PASSWORD under 12 characters', { ADMIN_PASSWORD: 'short-pass1' }, /ADMIN_PASSWORD is shorter than 12 characters/],
  ] as const) {
    test(`${what}: /admin does not exist (404, no login prompt) and the log says why`, async () => {
      const name = `admin-auth-off-${Object.keys(env).length}`;
      const off = await startTestApp(name, env, t.database);
      try {
        for (const path of [...HTML, ...JSON_API]) {
          const res = await call(off.url, 'GET', path, { headers: asAdmin });
          assert.equal(res.status, 404, path);
          assert.equal(res.headers.get('www-authenticate'), null, path);
        }
      } finally {
        await off.app.close();
      }
      assert.match(fs.readFileSync(`${LOG_DIR}/${name}.log`, 'utf8'), message);
    });
  }
});
