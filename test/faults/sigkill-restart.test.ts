/**
 * The service killed with SIGKILL under load, then started again: every payment it acknowledged
 * is stored; a request cut off by the kill, retried with its Idempotency-Key, replays, completes
 * or is told it is still in flight, and never makes a second payment; whatever was left pending
 * is settled by the reconciler (or the webhook) as FeexPay says.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { closeDatabase, createKnex } from '../../src/db/knex.ts';
import { migrateLatest } from '../../src/db/migrate.ts';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { LOG_DIR, TEST_ENV, waitFor } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { call, newKey } from '../helpers/http.ts';
import { assertNoExpiredSuccess, assertSettledAsFeexPaySays, createPayment, phoneFor } from './helpers.ts';
import { freePort, startServiceProcess, type ServiceProcess } from './service-process.ts';

let sim: RunningSimulator;
let database: TestDatabase | null = null;
let dataDir: string | null = null;
let env: Record<string, string>;
let port: number;
let apiKey: string;
let service: ServiceProcess | null = null;
const logFile = path.join(LOG_DIR, 'faults-sigkill.log');

before(async () => {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  // A payment killed between FeexPay's acceptance and storing its reference is known to us only
  // through FeexPay's webhook (FeexPay has no lookup by our id). FeexPay itself retries 2 or 3
  // times within seconds, which another replica answers in production; with one process here,
  // the simulator keeps retrying for 30 s, longer than a restart on a loaded machine.
  sim = await startSimulator({ settleDelayMs: 300, webhookRetryIntervalMs: 500, webhookAttempts: 120 });
  port = await freePort();
  env = {
    WEBHOOK_TOKEN: TEST_ENV.WEBHOOK_TOKEN!,
    LOG_LEVEL: 'info',
    FEEXPAY_API_KEY: sim.apiKey,
    FEEXPAY_SHOP_ID: 'simshop00000001',
    FEEXPAY_BASE_URL: sim.url,
    FEEXPAY_REQUEST_TIMEOUT_MS: '2000',
    RECONCILER_ENABLED: 'true',
    RECONCILER_INTERVAL_MS: '200',
    RECONCILE_AFTER_MS: '200',
    RECONCILE_MAX_BACKOFF_MS: '1000',
    // Longer than a restart on a loaded machine: a payment known only through FeexPay's webhook
    // (its reference was never stored) must not expire before a retried webhook lands.
    PAYMENT_DEADLINE_MS: '35000',
    RATE_LIMIT_PER_PHONE_PER_HOUR: '10000',
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
  };
  if (process.env.TEST_DATABASE_URL) {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url!;
    ({ apiKey } = await createMerchant(database.db, 'merchant faults-sigkill'));
  } else {
    // Embedded: the service's own PGlite directory, which it must find intact after the kill.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-sigkill-'));
    env.DATA_DIR = dataDir;
  }
  sim.setWebhookUrl(`http://127.0.0.1:${port}/v1/webhooks/feexpay/${env.WEBHOOK_TOKEN}`);
});
after(async () => {
  await service?.stop();
  await sim.close();
  await database?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Attempt {
  key: string;
  phone: string;
  outcome: Awaited<ReturnType<typeof createPayment>>;
}

async function withDatabase<T>(work: (db: Knex) => Promise<T>): Promise<T> {
  if (database) return work(database.db);
  const db = createKnex({ databaseUrl: null, dataDir: dataDir! });
  try {
    await migrateLatest(db);
    return await work(db);
  } finally {
    await closeDatabase(db);
  }
}

test('SIGKILL under load, restart: nothing acknowledged is lost, nothing is doubled, pending ones settle', async () => {
  service = await startServiceProcess(env, port, logFile);
  if (dataDir) apiKey = fs.readFileSync(path.join(dataDir, 'demo-merchant-key.txt'), 'utf8').trim();

  const attempts: Attempt[] = [];
  let killed = false;
  const suffixes = ['00', '00', '01', '04', '08'];
  const workers = Array.from({ length: 8 }, async (_, w) => {
    for (let i = 0; !killed || i === 0; i++) {
      const key = newKey(`kill-${w}`);
      const phone = phoneFor(suffixes[(w + i) % suffixes.length]!);
      attempts.push({ key, phone, outcome: await createPayment(service!.url, apiKey, key, phone) });
    }
  });
  await waitFor(async () => attempts.filter((a) => a.outcome.kind === 'ok').length >= 40, 20_000, 20);
  service.child.kill('SIGKILL');
  killed = true;
  await service.exited;
  await Promise.all(workers);

  service = await startServiceProcess(env, port, logFile);
  const cutOff = attempts.filter((a) => a.outcome.kind !== 'ok');
  assert.ok(
    attempts.every((a) => a.outcome.kind !== 'error'),
    'before the kill, every answer was a 2xx',
  );
  const retried = await Promise.all(cutOff.map((a) => createPayment(service!.url, apiKey, a.key, a.phone)));
  for (const r of retried) {
    const fine = (r.kind === 'ok' && r.status === 201) || (r.kind === 'error' && r.status === 409);
    assert.ok(fine, `a retried key answered ${JSON.stringify(r)}`);
  }

  const tally = (xs: Awaited<ReturnType<typeof createPayment>>[]) => xs.map((r) => (r.kind === 'ok' ? r.status : r.kind === 'error' ? r.status : 'none')).join(',');
  process.stdout.write(`# before the kill: ${attempts.length - cutOff.length} acknowledged, ${cutOff.length} cut off; retried: ${tally(retried)}\n`);
  const acknowledged = [...attempts.flatMap((a) => (a.outcome.kind === 'ok' ? [a.outcome.body.id] : [])), ...retried.flatMap((r) => (r.kind === 'ok' ? [r.body.id] : []))];
  // Suffix 04 stays PENDING at FeexPay: it ends expired at the deadline; all others as FeexPay says.
  // Nothing may stay pending: under review is not pending.
  await waitFor(
    async () => {
      const page = await call(service!.url, 'GET', '/v1/payments?status=pending&limit=1', { apiKey });
      return page.status === 200 && page.body.data.length === 0;
    },
    80_000,
    250,
  );
  await service.stop();
  service = null;

  await withDatabase(async (db) => {
    // Every stored payment, including those behind keys still in flight at the kill (409 on retry).
    const ids = (await db('payments').select('id')).map((r) => r.id as string);
    for (const id of acknowledged) assert.ok(ids.includes(id), `acknowledged payment ${id} is not stored`);
    // Cut off before its reference was stored, a payment FeexPay never called back about
    // (scenario 08 collects the money but sends no webhook) cannot be found again: FeexPay has
    // no lookup by our id. It goes to review, never to expired.
    const unreferenced = new Set((await db('payments').whereNull('feexpay_reference').select('id')).map((r) => r.id as string));
    const stillPendingAtFeexPay = (id: string) => sim.byCallbackInfo(id).payments[0]?.status === 'PENDING';
    await assertSettledAsFeexPaySays(
      db,
      sim,
      ids.filter((id) => !unreferenced.has(id) && !stillPendingAtFeexPay(id)),
    );
    const notReviewed = await db('payments')
      .whereIn('id', [...unreferenced])
      .whereNot('status', 'needs_review')
      .count<{ n: number }[]>('* as n');
    assert.equal(Number(notReviewed[0]?.n), 0, 'a payment without a FeexPay reference at its deadline is under review');
    const open = await db('review_items')
      .whereIn('payment_id', [...unreferenced])
      .whereNull('resolved_at')
      .countDistinct<{ n: number }[]>('payment_id as n');
    assert.equal(Number(open[0]?.n), unreferenced.size, 'each with an open review item');
    const left = await db('payments')
      .whereIn(
        'id',
        ids.filter((id) => !unreferenced.has(id) && stillPendingAtFeexPay(id)),
      )
      .whereNot('status', 'expired')
      .count<{ n: number }[]>('* as n');
    assert.equal(Number(left[0]?.n), 0, 'what FeexPay itself still holds pending is expired at the deadline');
    await assertNoExpiredSuccess(db, sim, ids);
    const keyed = await db('idempotency_keys').whereNotNull('payment_id').countDistinct<{ n: number }[]>('payment_id as n');
    assert.equal(ids.length, Number(keyed[0]?.n), 'one payment per idempotency key, no orphan and no double');
    for (const id of ids) assert.ok(sim.byCallbackInfo(id).requests <= 1, `FeexPay asked more than once for ${id}`);
  });
});
