/**
 * A draining service gives its idle PostgreSQL connections back when the drain starts, not at its
 * end: Kubernetes does not count a terminating pod against maxSurge, so what a draining pod holds
 * is outside the connection budget synth checks. A payment still in flight (FeexPay hanging)
 * keeps the drain going while the test counts the service's connections in pg_stat_activity.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { LOG_DIR, TEST_ENV, waitFor } from '../helpers/app.ts';
import { newKey } from '../helpers/http.ts';
import { createPayment, phoneFor } from './helpers.ts';

const skip = process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (the embedded database has no connections to count)';
const APPLICATION = 'drain-connections-test';

let sim: RunningSimulator;
let database: TestDatabase;
let app: FastifyInstance;
let url: string;
let apiKey: string;

before(async () => {
  if (skip) return;
  sim = await startSimulator({ settleDelayMs: 50 });
  database = await createTestDatabase();
  // The URL's application_name wins over the one the service sets, so only its connections count.
  const serviceUrl = new URL(database.url!);
  serviceUrl.searchParams.set('application_name', APPLICATION);
  const config = loadConfig({
    ...TEST_ENV,
    DATABASE_URL: serviceUrl.toString(),
    DATABASE_POOL_MAX: '10',
    MIGRATE_ON_START: 'false',
    FEEXPAY_API_KEY: sim.apiKey,
    FEEXPAY_SHOP_ID: 'simshop00000001',
    FEEXPAY_BASE_URL: sim.url,
    FEEXPAY_REQUEST_TIMEOUT_MS: '10000',
  });
  app = await buildApp(config, { logFile: path.join(LOG_DIR, 'faults-drain-connections.log') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  ({ apiKey } = await createMerchant(database.db, 'merchant drain-connections'));
});
after(async () => {
  if (skip) return;
  sim.setDownMode('off');
  await app.close();
  await sim.close();
  await database.drop();
});

async function serviceConnections(): Promise<{ idle: number; all: number }> {
  const { rows } = await database.db.raw<{ rows: { idle: string; all: string }[] }>(
    `SELECT count(*) FILTER (WHERE state = 'idle') AS idle, count(*) AS all
       FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?`,
    [APPLICATION],
  );
  return { idle: Number(rows[0]!.idle), all: Number(rows[0]!.all) };
}

test('idle connections close when the drain starts, while a payment is still in flight', { skip, timeout: 30_000 }, async () => {
  // Concurrent payments open several connections, which then sit idle in the pool.
  const warm = await Promise.all(Array.from({ length: 30 }, () => createPayment(url, apiKey, newKey('drain'), phoneFor('00'))));
  assert.ok(
    warm.every((r) => r.kind === 'ok' && r.status === 201),
    JSON.stringify(warm.find((r) => r.kind !== 'ok')),
  );
  const before = await serviceConnections();
  assert.ok(before.idle >= 3, `the pool holds ${before.idle} idle connections before the drain`);

  sim.setDownMode('hang');
  const inFlight = createPayment(url, apiKey, newKey('drain'), phoneFor('00'));
  await waitFor(async () => sim.engine.hangingRequests() > 0, 5_000);

  let drained = false;
  const closing = app.close().then(() => {
    drained = true;
  });
  const during = await waitFor(async () => {
    const c = await serviceConnections();
    return c.idle === 0 ? c : undefined;
  }, 3_000);
  assert.equal(drained, false, 'the drain is still waiting for the payment in flight');
  assert.ok(during.all <= 1, `${during.all} connections left during the drain`);

  // FeexPay answers again: the payment in flight ends, with its own (new) connection, and the drain completes.
  sim.setDownMode('off');
  const last = await inFlight;
  assert.equal(last.kind, 'ok', JSON.stringify(last));
  await closing;
  assert.deepEqual(await serviceConnections(), { idle: 0, all: 0 });
});
