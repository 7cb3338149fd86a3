/**
 * The real service process (`node --import tsx src/server.ts`, as `npm run dev` runs it) with a
 * wrong setting stops within seconds, exit code 1, one line on stderr naming the variable, and no
 * stack trace. An unreachable DATABASE_URL is retried up to DATABASE_START_TIMEOUT_MS, then the
 * same. The embedded database refuses production unless ALLOW_EMBEDDED_DATABASE=true, and
 * refuses a second process (merchant:create beside the service) with a clear message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServiceProcess } from '../faults/service-process.ts';
import { LOG_DIR } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { startTcpProxy } from '../faults/tcp-proxy.ts';

const SERVER = ['--import', 'tsx', 'src/server.ts'];
const WITH_SENTRY = ['--import', 'tsx', '--import', './src/instrument.ts', 'src/server.ts'];
const LIVE_KEY = `fp_${'a1'.repeat(32)}`;

interface Exit {
  code: number | null;
  stderr: string;
  stdout: string;
  ms: number;
}

function run(env: Record<string, string>, args = SERVER, timeoutMs = 60_000): Promise<Exit> {
  const started = Date.now();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', RECONCILER_ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, stdout, ms: Date.now() - started });
    }),
  );
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'harden-startup-'));
const aFile = path.join(scratch, 'a-file');
fs.writeFileSync(aFile, 'not a directory');
const dataDir = (name: string) => path.join(scratch, name);

const refusals: [string, Record<string, string>, RegExp, string[]?][] = [
  ['LOG_DIR is a file', { LOG_DIR: aFile, DATA_DIR: dataDir('d1') }, /LOG_DIR is not a directory/],
  ['LOG_DIR under /proc', { LOG_DIR: '/proc/nope', DATA_DIR: dataDir('d2') }, /LOG_DIR/],
  ['DATA_DIR is a file', { DATA_DIR: aFile }, /DATA_DIR is not a directory/],
  ['DATA_DIR under /proc', { DATA_DIR: '/proc/nope' }, /DATA_DIR/],
  ['LOG_LEVEL=verbose', { LOG_LEVEL: 'verbose', DATA_DIR: dataDir('d3') }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/],
  ['HOST=999.1.1.1', { HOST: '999.1.1.1', DATA_DIR: dataDir('d4') }, /HOST must be an IP address or a host name, got "999.1.1.1"/],
  ['HOST a name that does not resolve', { HOST: 'no-such-host.invalid', DATA_DIR: dataDir('d5') }, /HOST does not resolve to an address of this machine: no-such-host\.invalid/],
  ['SENTRY_DSN=notaurl', { SENTRY_DSN: 'notaurl', DATA_DIR: dataDir('d6') }, /SENTRY_DSN must be a Sentry DSN/, WITH_SENTRY],
  ['SENTRY_DSN without a project', { SENTRY_DSN: 'https://key@sentry.example/', DATA_DIR: dataDir('d7') }, /SENTRY_DSN must be a Sentry DSN/],
  [
    'NODE_ENV=production on the embedded database',
    { NODE_ENV: 'production', DATA_DIR: dataDir('d8') },
    /DATABASE_URL is required when NODE_ENV=production \(set ALLOW_EMBEDDED_DATABASE=true/,
  ],
  [
    'a live FeexPay key on the embedded database',
    { FEEXPAY_API_KEY: LIVE_KEY, FEEXPAY_SHOP_ID: 'shop0123456', WEBHOOK_TOKEN: 'w'.repeat(20), DATA_DIR: dataDir('d9') },
    /DATABASE_URL is required with a live FEEXPAY_API_KEY/,
  ],
  ['TRUST_PROXY=true', { TRUST_PROXY: 'true', DATA_DIR: dataDir('d10') }, /TRUST_PROXY must be false, a hop count/],
];

for (const [what, env, message, args] of refusals) {
  test(`${what}: exit 1 with a message naming the variable`, async (t) => {
    const exit = await run(env, args);
    assert.equal(exit.code, 1, `exit ${exit.code}; stderr: ${exit.stderr.slice(0, 300)}`);
    assert.match(exit.stderr, message);
    assert.doesNotMatch(exit.stderr, /\n\s+at /, 'no stack trace');
    // Loading TypeScript (and Sentry) on a machine shared by several test runs takes a few seconds:
    // the bound is about stopping at all, where the service once spun for ten minutes.
    assert.ok(exit.ms < 30_000, `took ${exit.ms} ms`);
    t.diagnostic(`${what}: ${exit.stderr.trim()} (${exit.ms} ms)`);
  });
}

test('LOG_DIR not writable: exit 1 naming it', { skip: process.getuid?.() === 0 ? 'root writes anywhere' : false }, async () => {
  const locked = dataDir('locked');
  fs.mkdirSync(locked, { mode: 0o500 });
  const exit = await run({ LOG_DIR: locked, DATA_DIR: dataDir('d11') });
  assert.equal(exit.code, 1);
  assert.match(exit.stderr, /LOG_DIR is not writable/);
});

test('DATABASE_URL unreachable: retried with a log line each time, then exit 1 naming it', async () => {
  const port = await freePort();
  const exit = await run({ DATABASE_URL: `postgres://app:secret-pass@127.0.0.1:${port}/app`, DATABASE_START_TIMEOUT_MS: '2500' });
  assert.equal(exit.code, 1, exit.stderr);
  assert.match(exit.stderr, new RegExp(`DATABASE_URL points to a database that does not answer \\(127\\.0\\.0\\.1:${port}/app: ECONNREFUSED\\) after \\d+ attempts`));
  assert.ok(!exit.stderr.includes('secret-pass') && !exit.stdout.includes('secret-pass'), 'the password is not printed');
  const waiting = exit.stdout.split('\n').filter((l) => l.includes('"event":"database.waiting"'));
  assert.ok(waiting.length >= 2, exit.stdout.slice(0, 500));
  for (const line of waiting) JSON.parse(line);
  assert.ok(exit.ms < 12_000, `took ${exit.ms} ms`);
});

test('DATABASE_URL reachable only after a while: the start waits, then serves', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL' }, async () => {
  const target = new URL(process.env.TEST_DATABASE_URL!);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  proxy.cut();
  const via = new URL(target);
  via.hostname = '127.0.0.1';
  via.port = String(proxy.port);
  setTimeout(() => proxy.restore(), 2_500);
  const port = await freePort();
  const service = await startServiceProcess(
    { DATABASE_URL: via.toString(), DATABASE_START_TIMEOUT_MS: '20000', MIGRATE_ON_START: 'false', RECONCILER_ENABLED: 'false', WEBHOOK_TOKEN: 'startup-test-token-0123' },
    port,
    path.join(LOG_DIR, 'startup-late-database.log'),
  );
  try {
    assert.equal((await call(service.url, 'GET', '/health/ready')).status, 200);
  } finally {
    await service.stop();
    await proxy.close();
  }
});

test('ALLOW_EMBEDDED_DATABASE=true lets production run on the embedded database', async () => {
  const port = await freePort();
  const service = await startServiceProcess(
    { NODE_ENV: 'production', ALLOW_EMBEDDED_DATABASE: 'true', DATA_DIR: dataDir('allowed'), RECONCILER_ENABLED: 'false' },
    port,
    path.join(LOG_DIR, 'startup-embedded-allowed.log'),
  );
  await service.stop();
});

test('merchant:create beside the running service is refused; once it stops, the key it prints works', async () => {
  const dir = dataDir('embedded');
  const port = await freePort();
  const log = path.join(LOG_DIR, 'startup-merchant-create.log');
  const env = { DATA_DIR: dir, RECONCILER_ENABLED: 'false' };
  let service = await startServiceProcess(env, port, log);
  const createArgs = ['--import', 'tsx', 'src/cli/merchant-create.ts', '--name', 'Side shop'];
  try {
    const refused = await run({ DATA_DIR: dir }, createArgs);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`merchant:create: Invalid configuration: DATA_DIR holds an embedded database already open in process ${service.child.pid}`));
    assert.doesNotMatch(refused.stdout, /API key/);
  } finally {
    await service.stop();
  }
  const created = await run({ DATA_DIR: dir }, createArgs);
  assert.equal(created.code, 0, created.stderr);
  const key = /API key \(shown once, store it now\): (fgw_\S+)/.exec(created.stdout)?.[1];
  assert.ok(key, created.stdout);
  service = await startServiceProcess(env, port, log);
  try {
    const r = await call(service.url, 'GET', '/v1/payments', { apiKey: key });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  } finally {
    await service.stop();
  }
});
