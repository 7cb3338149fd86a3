/** The audit trail: the database refuses to rewrite it, and an export shows any tampering. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { closeDatabase, createKnex } from '../../src/db/knex.ts';
import { migrateLatest } from '../../src/db/migrate.ts';
import { exportAuditTrail } from '../../src/audit/export.ts';
import { verifyAuditExport } from '../../src/audit/verify.ts';
import { insertPayments, PII, seedMerchant } from './fixtures.ts';

const run = promisify(execFile);
let t: TestDatabase;
let dir: string;
const today = new Date().toISOString().slice(0, 10);

before(async () => {
  t = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-audit-'));
  const merchant = await seedMerchant(t.db);
  const now = new Date();
  await insertPayments(t.db, merchant, [
    { status: 'successful', amount: 1500, createdAt: now },
    { status: 'failed', amount: 2500, createdAt: now, failureReason: 'payer_not_found' },
    { status: 'expired', amount: 900, createdAt: now },
    { status: 'pending', amount: 100, createdAt: now },
  ]);
});
after(async () => {
  await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('payment_events is append-only in the database', () => {
  for (const [what, sql] of [
    ['UPDATE', `UPDATE payment_events SET to_status = 'successful'`],
    ['DELETE', 'DELETE FROM payment_events'],
    ['TRUNCATE', 'TRUNCATE payment_events'],
  ] as const) {
    test(`${what} is refused and changes nothing`, async () => {
      const before = await t.db('payment_events').count<{ count: number }[]>('* as count');
      await assert.rejects(t.db.raw(sql), /append-only/);
      const after = await t.db('payment_events').count<{ count: number }[]>('* as count');
      assert.deepEqual(after, before);
    });
  }
});

describe('audit export', () => {
  test('writes every event of the range, hash-chained, with a manifest that verifies', async () => {
    const out = path.join(dir, 'events.jsonl');
    const { manifest } = await exportAuditTrail(t.db, { from: today, to: today, out });
    const total = Number((await t.db('payment_events').count<{ c: number }[]>('* as c'))[0]!.c);
    assert.equal(manifest.count, total);
    assert.equal(total, 7, '4 creations + 3 transitions');
    const lines = fs
      .readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines[0].prev_hash, manifest.genesis_hash);
    for (let i = 1; i < lines.length; i++) assert.equal(lines[i].prev_hash, lines[i - 1].hash);
    assert.equal(lines.at(-1).hash, manifest.final_hash);
    assert.match(lines[0].created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const result = await verifyAuditExport(out);
    assert.deepEqual(result.problems, []);
    assert.equal(result.ok, true);
  });

  test('holds no personal data (events never carry phone numbers, names or emails)', async () => {
    const out = path.join(dir, 'pii.jsonl');
    await exportAuditTrail(t.db, { from: today, to: today, out });
    const text = fs.readFileSync(out, 'utf8');
    for (const value of Object.values(PII)) assert.equal(text.includes(value), false, `export contains ${value}`);
  });

  test('an edited line is detected, and named', async () => {
    const out = path.join(dir, 'edited.jsonl');
    await exportAuditTrail(t.db, { from: today, to: today, out });
    const lines = fs.readFileSync(out, 'utf8').split('\n');
    lines[2] = lines[2]!.replace(/"to_status":"\w+"/, '"to_status":"successful"').replace(/"amount":\d+/, '"amount":1');
    assert.notEqual(lines.join('\n'), fs.readFileSync(out, 'utf8'), 'the edit changed the file');
    fs.writeFileSync(out, lines.join('\n'));
    const result = await verifyAuditExport(out);
    assert.equal(result.ok, false);
    assert.ok(
      result.problems.some((p) => p.startsWith('line 3: content does not match its hash')),
      result.problems.join('; '),
    );
  });

  test('an edit that re-hashes its own line still breaks the chain or the manifest', async () => {
    const out = path.join(dir, 'rehashed.jsonl');
    const { manifest } = await exportAuditTrail(t.db, { from: today, to: today, out });
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
    const { hashRecord, canonicalJson } = await import('../../src/audit/hash-chain.ts');
    const rec = JSON.parse(lines[1]!);
    rec.source = 'api';
    rec.detail = { ...rec.detail, forged: true };
    rec.hash = hashRecord(rec, rec.prev_hash);
    lines[1] = canonicalJson(rec);
    fs.writeFileSync(out, `${lines.join('\n')}\n`);
    const result = await verifyAuditExport(out);
    assert.equal(result.ok, false);
    assert.ok(
      result.problems.some((p) => p.startsWith('line 3: prev_hash')),
      result.problems.join('; '),
    );
    assert.equal(manifest.count, 7);
  });

  test('a dropped last line is detected through the manifest', async () => {
    const out = path.join(dir, 'cut.jsonl');
    await exportAuditTrail(t.db, { from: today, to: today, out });
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(out, `${lines.slice(0, -1).join('\n')}\n`);
    const result = await verifyAuditExport(out);
    assert.equal(result.ok, false);
    assert.ok(result.problems.some((p) => p.includes('manifest says 7 events, file has 6')));
  });

  test('a range without events exports an empty, verifiable file', async () => {
    const out = path.join(dir, 'empty.jsonl');
    const { manifest } = await exportAuditTrail(t.db, { from: '2020-01-01', to: '2020-01-31', out });
    assert.equal(manifest.count, 0);
    assert.equal((await verifyAuditExport(out)).ok, true);
  });

  test('impossible dates are refused', async () => {
    await assert.rejects(exportAuditTrail(t.db, { from: '2026-02-30', to: '2026-03-01', out: path.join(dir, 'x') }), /--from must be a date/);
    await assert.rejects(exportAuditTrail(t.db, { from: '2026-03-02', to: '2026-03-01', out: path.join(dir, 'x') }), /--to must not be before/);
  });
});

describe('npm run audit:export (the CLI)', () => {
  test('exports a verifiable file, and --verify exits 1 on a tampered one', async () => {
    // The CLI connects on its own: to the same PostgreSQL database, or to a PGlite data directory.
    let env: Record<string, string>;
    if (t.url) env = { DATABASE_URL: t.url };
    else {
      const dataDir = path.join(dir, 'data');
      const db = createKnex({ databaseUrl: null, dataDir });
      await migrateLatest(db);
      await insertPayments(db, await seedMerchant(db), [{ status: 'successful', amount: 500, createdAt: new Date() }]);
      await closeDatabase(db);
      env = { DATA_DIR: dataDir };
    }
    const out = path.join(dir, 'cli.jsonl');
    const opts = { env: { ...process.env, ...env, DATABASE_URL: env.DATABASE_URL ?? '' }, cwd: process.cwd() };
    const exported = await run(process.execPath, ['--import', 'tsx', 'src/cli/audit-export.ts', '--from', today, '--to', today, '--out', out], opts);
    assert.match(exported.stdout, /exported \d+ events/);
    assert.equal((await verifyAuditExport(out)).ok, true);
    fs.writeFileSync(out, fs.readFileSync(out, 'utf8').replace('"source":"api"', '"source":"webhook"'));
    await assert.rejects(run(process.execPath, ['--import', 'tsx', 'src/cli/audit-export.ts', '--verify', out], opts), (err: { code: number; stdout: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stdout, /^TAMPERED/);
      return true;
    });
  });
});
