/**
 * SIGTERM while a payment is in flight over a keep-alive connection (an ingress or a merchant's
 * HTTP client keeps its connections open): the payment is answered, its answer closes the
 * connection, and the process exits 0 as soon as the drain has nothing left, with every log line
 * written. A connection left open after its answer kept the drain waiting for the keep-alive
 * timeout (72 s), past close-with-grace's bound, which then killed the process with exit 1
 * before the database and the log files were closed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { LOG_DIR, TEST_ENV, waitFor } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { newKey, requestOnAgent } from '../helpers/http.ts';
import { phoneFor } from './helpers.ts';
import { freePort, startServiceProcess, type ServiceProcess } from './service-process.ts';

/** close-with-grace's bound is this + 5 s: an exit well before it is the drain ending by itself. */
const FEEXPAY_TIMEOUT_MS = 20_000;

let sim: RunningSimulator;
let database: TestDatabase | null = null;
let dataDir: string | null = null;
let service: ServiceProcess | null = null;
// One file per database kind: the test reads it back, and the two suites may run side by side.
const logFile = path.join(LOG_DIR, `faults-graceful-drain-${process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite'}.log`);

before(async () => {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  fs.rmSync(logFile, { force: true });
  sim = await startSimulator({ settleDelayMs: 50 });
});
after(async () => {
  sim.setDownMode('off');
  await service?.stop();
  await sim.close();
  await database?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function post(agent: http.Agent, url: string, apiKey: string, body: object) {
  return requestOnAgent(`${url}/v1/payments`, agent, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': newKey('drain') },
    body: JSON.stringify(body),
  });
}

test('SIGTERM with a payment in flight on a keep-alive connection: answered, connection closed, exit 0 without waiting out the bound', { timeout: 120_000 }, async () => {
  const port = await freePort();
  const env: Record<string, string> = {
    WEBHOOK_TOKEN: TEST_ENV.WEBHOOK_TOKEN!,
    LOG_LEVEL: 'info',
    FEEXPAY_API_KEY: sim.apiKey,
    FEEXPAY_SHOP_ID: 'simshop00000001',
    FEEXPAY_BASE_URL: sim.url,
    FEEXPAY_REQUEST_TIMEOUT_MS: String(FEEXPAY_TIMEOUT_MS),
  };
  let apiKey = '';
  if (process.env.TEST_DATABASE_URL) {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url!;
    ({ apiKey } = await createMerchant(database.db, 'merchant faults-graceful-drain'));
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-drain-'));
    env.DATA_DIR = dataDir;
  }
  service = await startServiceProcess(env, port, logFile);
  if (dataDir) apiKey = fs.readFileSync(path.join(dataDir, 'demo-merchant-key.txt'), 'utf8').trim();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const payment = { amount: 1500, currency: 'XOF', network: 'mtn', phone_number: phoneFor('00') };

  const first = await post(agent, service.url, apiKey, payment);
  assert.equal(first.status, 201, first.body);
  assert.equal(first.connection, 'keep-alive', 'before the drain, connections are kept');

  sim.setDownMode('hang');
  const inFlight = post(agent, service.url, apiKey, { ...payment, phone_number: phoneFor('00') });
  await waitFor(async () => sim.engine.hangingRequests() > 0, 10_000);
  const signalled = Date.now();
  service.child.kill('SIGTERM');
  await waitFor(async () => fs.readFileSync(logFile, 'utf8').includes('"msg":"shutting down"'), 10_000);
  sim.setDownMode('off');

  const last = await inFlight;
  assert.equal(last.status, 201, last.body);
  assert.equal(last.connection, 'close', 'an answer given during the drain closes its connection');
  const code = await service.exited;
  const drainMs = Date.now() - signalled;
  service = null;
  agent.destroy();
  process.stdout.write(`# SIGTERM to exit: ${drainMs} ms, exit code ${code}\n`);
  assert.equal(code, 0, `exit code ${code}: the drain did not end by itself (see ${logFile})`);
  assert.ok(drainMs < FEEXPAY_TIMEOUT_MS, `the drain took ${drainMs} ms`);
  const id = (JSON.parse(last.body) as { id: string }).id;
  const lines = fs.readFileSync(logFile, 'utf8');
  assert.ok(lines.includes(`"payment_id":"${id}"`), 'the payment answered during the drain has its lines in the log');
  assert.ok(!lines.includes('killed by timeout'), 'close-with-grace never had to kill the process');
});
