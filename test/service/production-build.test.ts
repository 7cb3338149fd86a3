/**
 * What `npm start` and the image run: the bundle in build/ of `npm run build`, started with the
 * start script's own arguments and no TypeScript loader, on its embedded defaults (PGlite, the
 * in-process FeexPay simulator). Files the bundler does not emit (the admin page's assets) must
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
/** String literals whose place in the bundle must map back to their file and line. */
const SOURCE_PROBES = [
  { source: 'src/config/env.ts', literal: 'ConfigError' },
  { source: 'node_modules/fastify/lib/errors.js', literal: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
];
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
  // Sentry on, as shipped: its SDK is loaded and initialised at the start. Every request traced,
  // so that the payments' transactions show that the bundle's instrument.js and server.js share
  // one Sentry client.
  sentry = await startFakeSentry();
  const env = {
    SENTRY_DSN: sentry.dsn,
    SENTRY_TRACES_SAMPLE_RATE: '1',
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

test("the start command maps the bundle's code to src/ lines and a dependency's to its file in node_modules, and loads no dependency's own map", () => {
  // The start script's node flags and preloads, with a script of the test's own in place of
  // build/server.js: it loads the chunk that holds a source file and asks Node's own source map
  // (the one a stack trace would use) where a string literal of that file came from.
  const flags = START_ARGS.slice(0, -1);
  const script = `
    import fs from 'node:fs';
    import path from 'node:path';
    import { findSourceMap } from 'node:module';
    import { pathToFileURL } from 'node:url';
    const probes = ${JSON.stringify(SOURCE_PROBES)};
    const found = [];
    for (const { source, literal } of probes) {
      const chunk = fs.readdirSync('build/chunks').filter((f) => f.endsWith('.js')).map((f) => path.resolve('build/chunks', f))
        .find((f) => JSON.parse(fs.readFileSync(f + '.map', 'utf8')).sources.some((s) => s.endsWith(source)));
      const url = pathToFileURL(chunk).href;
      await import(url);
      const before = fs.readFileSync(chunk, 'utf8').split(JSON.stringify(literal))[0].split('\\n');
      const entry = findSourceMap(url).findEntry(before.length - 1, before.at(-1).length);
      found.push({ source: entry.originalSource, line: entry.originalLine + 1 });
    }
    const dependency = import.meta.resolve('@sentry/core');
    await import(dependency);
    console.log(JSON.stringify({ found, dependency: !!findSourceMap(dependency) }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } })) as {
    found: { source: string; line: number }[];
    dependency: boolean;
  };
  SOURCE_PROBES.forEach(({ source, literal }, i) => {
    const line =
      fs
        .readFileSync(source, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(`'${literal}'`)) + 1;
    assert.ok(out.found[i]!.source.endsWith(`/${source}`), JSON.stringify(out.found[i]));
    assert.equal(out.found[i]!.line, line, `${literal} in ${source}`);
  });
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

test('the files the bundler does not emit are in the build (admin assets), and the LOG_DIR files are written', async () => {
  const asset = await fetch(`${service.url}/admin/assets/dashboard.js`, { headers: { authorization: adminAuth } });
  assert.equal(asset.status, 200);
  assert.equal(await asset.text(), fs.readFileSync('src/admin/assets/dashboard.js', 'utf8'));
  // pino-roll opens its files asynchronously: they appear shortly after the start.
  const files = await waitFor(async () => fs.existsSync(fileLogDir) && fs.readdirSync(fileLogDir).length > 0 && fs.readdirSync(fileLogDir), 10_000, 100);
  assert.ok(files.includes(LOG_FILES.json), files.join(', '));
});

test('SIGTERM stops the built service cleanly, and its traces reached Sentry through the client instrument.js made', async () => {
  await service.stop();
  assert.equal(service.child.exitCode, 0);
  const payment = sentry.items.find((i) => i.type === 'transaction' && i.payload.transaction === 'POST /v1/payments')?.payload as { spans: { op: string }[] } | undefined;
  assert.ok(payment, sentry.items.map((i) => `${i.type}:${String(i.payload.transaction)}`).join(', '));
  assert.ok(
    payment.spans.some((sp) => sp.op === 'http.client'),
    JSON.stringify(payment.spans),
  );
});
