/**
 * Every command the image runs besides the API (the migration Job and init container, the
 * CronJobs, compose's simulator) and the operators' commands, run from the bundle in build/ the
 * way the manifests run them (`node --import ./build/source-maps.js build/...js`), on the
 * embedded database. The bundle moves each into chunks and leaves some packages in node_modules:
 * a command whose entry point, chunk or external did not load would only show here.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SOURCE_MAPS_PRELOAD } from '../../k8s/pod.ts';
import { waitFor } from '../helpers/app.ts';
import { runNode } from '../helpers/node-command.ts';
import { freePort } from '../faults/service-process.ts';

let root: string;
let dataDir: string;

before(() => {
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-built-commands-'));
  dataDir = path.join(root, 'data');
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Runs build/<script> as the manifests do, with only the given environment. */
const run = (script: string, args: string[], env: Record<string, string> = {}) =>
  runNode(['--import', SOURCE_MAPS_PRELOAD, `build/${script}`, ...args], { DATA_DIR: dataDir, ...env });

test('migrate applies the migrations, then --wait finds the schema ready', async () => {
  const applied = await run('cli/migrate.js', []);
  assert.equal(applied.code, 0, applied.stderr);
  const ready = await run('cli/migrate.js', ['--wait=5']);
  assert.equal(ready.code, 0, ready.stderr);
  assert.match(ready.stdout, /schema ready for this build/);
});

test('merchant:create makes a merchant and prints its key once', async () => {
  const r = await run('cli/merchant-create.js', ['--name', 'Built Shop']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /fgw_live_[A-Za-z0-9_-]{20,}/);
});

test('report:weekly writes the report of a given week', async () => {
  const reportsDir = path.join(root, 'reports');
  const r = await run('cli/report-weekly.js', ['--week', '2026-W47'], { REPORTS_DIR: reportsDir });
  assert.equal(r.code, 0, r.stderr);
  const written = fs.readdirSync(path.join(reportsDir, 'weekly'));
  assert.ok(
    written.some((f) => f.includes('2026-W47')),
    written.join(', '),
  );
});

test('audit:export writes and verifies an export', async () => {
  const out = path.join(root, 'audit.jsonl');
  const r = await run('cli/audit-export.js', ['--from', '2026-01-01', '--to', '2030-01-01', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^exported \d+ events/);
  const verified = await run('cli/audit-export.js', ['--verify', out]);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /^OK: \d+ events, final hash [0-9a-f]{64}/);
});

test('archive:logs compresses a rotated file and leaves the active one', async () => {
  const logDir = path.join(root, 'logs');
  fs.mkdirSync(logDir);
  fs.writeFileSync(path.join(logDir, 'app.json.1.log'), '{"level":30}\n');
  fs.writeFileSync(path.join(logDir, 'app.json.2.log'), '{"level":30}\n');
  fs.symlinkSync('app.json.2.log', path.join(logDir, 'app.json.log'));
  const r = await run('cli/archive-logs.js', [], { LOG_DIR: logDir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^archived app\.json\.1\.log -> /m);
  assert.match(r.stdout, /^active {3}app\.json\.2\.log/m);
});

test('openapi:export writes the merchant API description', async () => {
  const out = path.join(root, 'openapi.json');
  const r = await run('cli/openapi-export.js', [out]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as { openapi: string; paths: Record<string, unknown> };
  assert.equal(doc.openapi, '3.1.0');
  assert.ok('/v1/payments' in doc.paths);
});

test("the simulator (compose's service) answers FeexPay's API and stops on SIGTERM", async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', SOURCE_MAPS_PRELOAD, 'build/feexpay/simulator/main.js'], {
    env: { PATH: process.env.PATH ?? '', SIMULATOR_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    // No API key: FeexPay's answer to an unauthenticated call, from the simulator's own routes.
    const status = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/transactions/public/single/status/x`).catch(() => null);
        return res?.status;
      },
      20_000,
      100,
    );
    assert.ok(status !== undefined && status >= 400 && status < 500, String(status));
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  }
});
