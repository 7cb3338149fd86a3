/**
 * What `npm start` and the image run: the compiled build/ of `npm run build`, started with the
 * start script's own arguments and no TypeScript loader, on its embedded defaults (PGlite, the
 * in-process FeexPay simulator). Files the compiler does not emit (the admin page's assets) must
 * be there too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOG_FILES } from '../../src/observability/logger.ts';
import { LOG_DIR, beninPhone, waitFor } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { freePort, START_ARGS, startServiceProcess, type ServiceProcess } from '../faults/service-process.ts';
import { startFakeSentry, type FakeSentry } from '../observability/helpers/sentry-server.ts';

let service: ServiceProcess;
let sentry: FakeSentry;
let dataDir: string;
const fileLogDir = path.join(LOG_DIR, 'production-build-files');
const admin = { user: 'ops', password: 'production-build-admin-password' };
const adminAuth = `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}`;
/** The key the built service wrote for its demo merchant on first start (read once it is up). */
let demoKey: string;

/** A Benin MTN payment for the demo merchant; the phone's last two digits pick the simulator's outcome. */
async function createPayment(amount: number, outcome: string): Promise<Record<string, any>> {
  const created = await call(service.url, 'POST', '/v1/payments', {
    apiKey: demoKey,
    headers: { 'idempotency-key': newKey('build') },
    body: { amount, currency: 'XOF', network: 'mtn', phone_number: beninPhone(outcome) },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

before(async () => {
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-build-'));
  fs.rmSync(fileLogDir, { recursive: true, force: true });
  fs.mkdirSync(LOG_DIR, { recursive: true });
  // Sentry on, as shipped: its SDK is loaded and initialised at the start.
  sentry = await startFakeSentry();
  const env = {
    SENTRY_DSN: sentry.dsn,
    DATA_DIR: dataDir,
    LOG_DIR: fileLogDir,
    LOG_LEVEL: 'info',
    ADMIN_USER: admin.user,
    ADMIN_PASSWORD: admin.password,
    NODE_ENV: 'production',
    ALLOW_EMBEDDED_DATABASE: 'true',
  };
  service = await startServiceProcess(env, await freePort(), path.join(LOG_DIR, 'production-build.log'), START_ARGS);
  demoKey = fs.readFileSync(path.join(dataDir, 'demo-merchant-key.txt'), 'utf8').trim();
});

after(async () => {
  await service?.stop();
  await sentry?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the start script runs compiled JavaScript, with no TypeScript loader', () => {
  assert.ok(START_ARGS.some((a) => a.startsWith('build/')) && START_ARGS.every((a) => !a.includes('tsx') && !a.endsWith('.ts')), START_ARGS.join(' '));
  const cmdline = fs.readFileSync(`/proc/${service.child.pid}/cmdline`, 'utf8').split('\0');
  assert.ok(!cmdline.some((a) => a.includes('tsx')), cmdline.join(' '));
});

test("the start command maps the build's stack traces to src/ lines, and loads no dependency's source map", () => {
  // The start script's node flags and preloads, with a script of the test's own in place of build/server.js.
  const flags = START_ARGS.slice(0, -1);
  const script = `
    import { findSourceMap } from 'node:module';
    const { loadConfig } = await import('./build/config.js');
    let stack = '';
    try { loadConfig({ PORT: 'not-a-port' }); } catch (err) { stack = err.stack; }
    const dependency = import.meta.resolve('@sentry/core');
    await import(dependency);
    console.log(JSON.stringify({ stack, own: !!findSourceMap(import.meta.resolve('./build/config.js')), dependency: !!findSourceMap(dependency) }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } })) as {
    stack: string;
    own: boolean;
    dependency: boolean;
  };
  assert.match(out.stack, /^ConfigError: .*PORT/);
  assert.match(out.stack.split('\n')[1]!, /\(.*\/src\/config\/env\.ts:\d+:\d+\)$/, out.stack);
  assert.ok(!/\/build\//.test(out.stack), out.stack);
  assert.equal(out.own, true);
  // @sentry/core ships a source map: --enable-source-maps would have parsed it (about 11 MB of them in the API).
  assert.equal(out.dependency, false);
});

test('a payment created on the built service settles through the embedded simulator', async () => {
  const created = await createPayment(1500, '00');
  assert.equal(created.status, 'pending');
  const settled = await waitFor(
    async () => {
      const r = await call(service.url, 'GET', `/v1/payments/${created.id}`, { apiKey: demoKey });
      return r.body.status === 'successful' && r.body;
    },
    20_000,
    200,
  );
  assert.equal(settled.amount, 1500);
});

/** Resident KB of the node binary's read-only data, where ICU's data lives (/proc/<pid>/smaps). */
function binaryReadOnlyKb(pid: number): number {
  const exe = fs.readlinkSync(`/proc/${pid}/exe`);
  let inside = false;
  let kb = 0;
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \d+\s+(.*)$/.exec(line);
    if (mapping) inside = mapping[1] === 'r--p' && mapping[2] === exe;
    else if (inside && line.startsWith('Rss:')) kb += Number(line.split(/\s+/)[1]);
  }
  return kb;
}

test('the built service starts and serves payments without touching ICU: the first Intl use is an admin page', async () => {
  // Intl's first use maps about 5 MB of ICU data into the process: nothing at the start (the admin
  // page's formatter, Sentry's context) nor on the API's path may do it.
  const created = await createPayment(12500, '04');
  const before = binaryReadOnlyKb(service.child.pid!);
  const page = await fetch(`${service.url}/admin/payments?q=${created.id}`, { headers: { authorization: adminAuth } });
  assert.equal(page.status, 200);
  assert.ok((await page.text()).includes('12,500 XOF'), 'the amount formatted by Intl');
  const grown = binaryReadOnlyKb(service.child.pid!) - before;
  assert.ok(grown >= 2048, `ICU data mapped by the admin page: ${grown} KB (it was already mapped if about 0)`);
});

test('the files tsc does not emit are in the build (admin assets), and the LOG_DIR files are written', async () => {
  const asset = await fetch(`${service.url}/admin/assets/dashboard.js`, { headers: { authorization: adminAuth } });
  assert.equal(asset.status, 200);
  assert.equal(await asset.text(), fs.readFileSync('src/admin/assets/dashboard.js', 'utf8'));
  // pino-roll opens its files asynchronously: they appear shortly after the start.
  const files = await waitFor(async () => fs.existsSync(fileLogDir) && fs.readdirSync(fileLogDir).length > 0 && fs.readdirSync(fileLogDir), 10_000, 100);
  assert.ok(files.includes(LOG_FILES.json), files.join(', '));
});

test('SIGTERM stops the built service cleanly', async () => {
  await service.stop();
  assert.equal(service.child.exitCode, 0);
});
