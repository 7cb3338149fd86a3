/** API key scopes: the migration's default for existing keys, merchant:create --scopes, and the demo merchant. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createKnex } from '../../src/db/knex.ts';
import { ensureDemoMerchant } from '../../src/merchants/demo-merchant.ts';
import { findMerchantByKey, hashApiKey } from '../../src/merchants/merchants.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { LOG_DIR, TEST_ENV } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { payoutBody } from './helpers.ts';

const run = promisify(execFile);
let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-scopes-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a key that existed before payouts keeps the payments scope only', async () => {
  const t = await createTestDatabase();
  try {
    const key = 'fgw_' + 'a'.repeat(32);
    await t.db.raw(`INSERT INTO merchants (id, name, api_key_hash, api_key_prefix) VALUES (?, 'old', ?, 'fgw_aaaa')`, [crypto.randomUUID(), hashApiKey(key)]);
    assert.deepEqual((await findMerchantByKey(t.db, key))?.scopes, ['payments']);
    await assert.rejects(t.db.raw(`UPDATE merchants SET scopes = ARRAY['refunds']`), /check/i);
  } finally {
    await t.drop();
  }
});

test('npm run merchant:create -- --scopes payments,payouts makes a key with both; an unknown scope exits 2', async () => {
  const t: TestDatabase | null = process.env.TEST_DATABASE_URL ? await createTestDatabase() : null;
  const dataDir = path.join(dir, 'cli');
  const env = { ...process.env, ...(t?.url ? { DATABASE_URL: t.url } : { DATA_DIR: dataDir }) };
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/merchant-create.ts', '--name', 'Seller shop', '--scopes', 'payments,payouts'], { env });
    assert.match(stdout, /scopes payments,payouts/);
    const apiKey = /API key \(shown once, store it now\): (fgw_\S+)/.exec(stdout)?.[1];
    assert.ok(apiKey);
    const db = t ? t.db : createKnex({ databaseUrl: null, dataDir });
    try {
      assert.deepEqual((await findMerchantByKey(db, apiKey))?.scopes, ['payments', 'payouts']);
    } finally {
      if (!t) await db.destroy();
    }
    await assert.rejects(
      run(process.execPath, ['--import', 'tsx', 'src/cli/merchant-create.ts', '--name', 'x', '--scopes', 'refunds'], { env }),
      (err: { code?: number; stderr?: string }) => err.code === 2 && /scopes must be/.test(err.stderr ?? ''),
    );
  } finally {
    await t?.drop();
  }
});

test('the demo merchant of the embedded default may pay out (to the simulator)', async () => {
  const t = await createTestDatabase();
  const app = await buildApp(loadConfig({ ...TEST_ENV, RECONCILE_AFTER_MS: '0' }), { db: t.db, logFile: path.join(LOG_DIR, 'payout-scopes.log') });
  try {
    await ensureDemoMerchant(app, dir);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const apiKey = fs.readFileSync(path.join(dir, 'demo-merchant-key.txt'), 'utf8').trim();
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const created = await call(url, 'POST', '/v1/payouts', { apiKey, body: payoutBody('04', 60), headers: { 'idempotency-key': newKey() } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, 'pending');
  } finally {
    await app.close();
    await t.drop();
  }
});
