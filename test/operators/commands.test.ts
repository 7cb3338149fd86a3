/**
 * The operators' commands as an operator runs them (spawned, real exit codes): every one answers
 * --help, refuses bad arguments with its usage and exit code 2 (no stack trace), archive:logs
 * refuses a LOG_DIR that is not there instead of creating it; and the start's "demo key is in
 * the key file" line appears only when that file exists.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDemoMerchant } from '../../src/merchants/demo-merchant.ts';
import { LOG_DIR, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { runNode } from '../helpers/node-command.ts';

let root: string;
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-commands-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Runs src/cli/<file> with only the given environment (no database settings leak in). */
const run = (file: string, args: string[], env: Record<string, string> = {}) =>
  runNode(['--import', 'tsx', `src/cli/${file}`, ...args], { DATA_DIR: path.join(root, 'data'), ...env });

const COMMANDS = ['merchant-create.ts', 'migrate.ts', 'report-weekly.ts', 'audit-export.ts', 'archive-logs.ts', 'openapi-export.ts'];

describe('every command', () => {
  for (const file of COMMANDS) {
    test(`${file} --help prints its usage and exits 0; an unknown option exits 2 with the usage`, async () => {
      const help = await run(file, ['--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^usage: npm run [a-z:]+/);
      assert.equal(help.stderr, '');
      const bad = await run(file, ['--no-such-option']);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /--no-such-option/);
      assert.match(bad.stderr, /usage: npm run/);
      assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});

describe('bad values', () => {
  const cases: [string, string[], RegExp][] = [
    ['merchant-create.ts', [], /--name is required/],
    ['merchant-create.ts', ['--name'], /--name/],
    ['merchant-create.ts', ['--name', 'Shop', '--scopes', 'payments,refunds'], /scopes must be a comma-separated list of payments, payouts/],
    ['report-weekly.ts', ['--week', '2026-47'], /--week must look like 2026-W47/],
    ['audit-export.ts', ['--from', '2026-11-01'], /--from and --to are required/],
    ['openapi-export.ts', [], /the file to write is required/],
  ];
  for (const [file, args, message] of cases) {
    test(`${file} ${args.join(' ') || '(no arguments)'}: exit 2, what is wrong and the usage`, async () => {
      const r = await run(file, args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage: npm run/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    });
  }
});

describe('archive:logs', () => {
  test('a LOG_DIR that does not exist is an error, and is not created', async () => {
    const missing = path.join(root, 'no-such-logs');
    const r = await run('archive-logs.ts', [], { LOG_DIR: missing });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /archive:logs failed: LOG_DIR .*no-such-logs does not exist/);
    assert.equal(fs.existsSync(missing), false, 'nothing created');
  });

  test('LOG_DIR unset: exit 2, with why', async () => {
    const r = await run('archive-logs.ts', []);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /LOG_DIR is not set/);
  });
});

describe('the demo key line at start', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('commands-demo-key');
  });
  after(async () => t.close());

  const keyLines = () =>
    fs
      .readFileSync(path.join(LOG_DIR, 'commands-demo-key.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('demo merchant API key is in the key file'));

  test('merchants but no key file (made by merchant:create): no line pointing to a file', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'data-'));
    const before = keyLines().length;
    await ensureDemoMerchant(t.app, dir);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(keyLines().length, before);
    assert.equal(fs.existsSync(path.join(dir, 'demo-merchant-key.txt')), false, 'no demo merchant created beside existing merchants');
  });

  test('the key file there: the line names it', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'data-'));
    fs.writeFileSync(path.join(dir, 'demo-merchant-key.txt'), 'fgw_test_x\n');
    const before = keyLines().length;
    await ensureDemoMerchant(t.app, dir);
    const line = await waitFor(() => Promise.resolve(keyLines().length > before && keyLines().at(-1)), 15_000);
    assert.ok(line.includes(dir));
  });
});
