/**
 * Load shedding over real HTTP: past a LOAD_SHED_* bound, API requests get 503 `overloaded` with
 * Retry-After before any work (no payment is written), readiness says overloaded, liveness and
 * /metrics still answer, the shed requests are counted and logged; and once the pressure is gone
 * the service serves again. The heap bound is set below what any process uses; the loop delay is
 * made real by blocking this process's event loop, the one the service runs on.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { beninPhone, LOG_DIR, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

const apps: TestApp[] = [];
after(async () => {
  for (const a of apps) await a.close();
});

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Holds the event loop, as a request burning CPU would.
  }
}

const shedCount = async (t: TestApp, reason: string): Promise<number> => {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const m = new RegExp(`^feexpay_requests_shed_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
};

test('past the heap bound: 503 overloaded with Retry-After, nothing written; probes, metrics and a log line say so', async () => {
  const t = await startTestApp('load-shedding-heap', { LOAD_SHED_MAX_HEAP_USED_MB: '1', LOAD_SHED_SAMPLE_INTERVAL_MS: '20', LOAD_SHED_RETRY_AFTER_SECONDS: '7' });
  apps.push(t);
  const ready = await waitFor(async () => {
    const r = await call(t.url, 'GET', '/health/ready');
    return r.status === 503 && r;
  });
  assert.equal(ready.body.status, 'not_ready');
  assert.equal(ready.body.checks.load.status, 'overloaded');
  assert.equal(ready.body.checks.database.status, 'up');
  assert.ok(ready.body.checks.load.heap_used_bytes > 1024 * 1024);

  const live = await call(t.url, 'GET', '/health/live');
  assert.equal(live.status, 200, 'liveness does not follow the load');

  const pay = await call(t.url, 'POST', '/v1/payments', {
    body: { amount: 500, currency: 'XOF', network: 'mtn', phone_number: beninPhone('00', 1) },
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey() },
  });
  assert.equal(pay.status, 503);
  assert.equal(pay.body.error.code, 'overloaded');
  assert.match(pay.body.error.message, /overloaded/);
  assert.equal(pay.headers.get('retry-after'), '7');
  assert.equal(pay.body.error.request_id, pay.headers.get('request-id'));
  const [row] = await t.database.db('payments').count<{ n: number }[]>('* as n');
  assert.equal(Number(row!.n), 0, 'a shed request does no work');

  const unauthenticated = await call(t.url, 'GET', '/v1/payments');
  assert.equal(unauthenticated.status, 503, 'shed before authentication: no database read for it');

  assert.ok((await shedCount(t, 'heap_used')) >= 2, 'shed requests are counted by reason');
  const logFile = path.join(LOG_DIR, 'load-shedding-heap.log');
  const line = await waitFor(
    async () =>
      fs.existsSync(logFile) &&
      fs
        .readFileSync(logFile, 'utf8')
        .split('\n')
        .find((l) => l.includes('overloaded: shedding requests')),
  );
  const entry = JSON.parse(line);
  assert.equal(entry.level, 40);
  assert.equal(entry.reason, 'heap_used');
  assert.ok(entry.heapUsedBytes > 1024 * 1024);
});

test('a blocked event loop sheds API requests, and the service serves again once it is free', async () => {
  const t = await startTestApp('load-shedding-loop', { LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '100', LOAD_SHED_SAMPLE_INTERVAL_MS: '100' });
  apps.push(t);
  // The start itself (migrations, route building) held the loop: the first samples may say overloaded.
  await waitFor(async () => (await call(t.url, 'GET', '/health/ready')).status === 200, 30_000, 50);
  const before = await call(t.url, 'GET', '/v1/payments?limit=1', { apiKey: t.apiKey });
  assert.equal(before.status, 200);

  // Work that keeps the loop busy with short gaps: each turn of the loop waits about 500 ms.
  const blocker = setInterval(() => busyFor(500), 20);
  let shed;
  try {
    shed = await waitFor(
      async () => {
        const r = await call(t.url, 'GET', '/v1/payments?limit=1', { apiKey: t.apiKey });
        return r.status === 503 && r;
      },
      30_000,
      0,
    );
    const ready = await call(t.url, 'GET', '/health/ready');
    assert.equal(ready.body.checks.load.status, 'overloaded');
    assert.ok(ready.body.checks.load.event_loop_delay_ms >= 100, `loop delay ${ready.body.checks.load.event_loop_delay_ms} ms`);
    assert.equal((await call(t.url, 'GET', '/health/live')).status, 200, 'liveness does not follow the load');
  } finally {
    clearInterval(blocker);
  }
  assert.equal(shed.body.error.code, 'overloaded');
  assert.equal(shed.headers.get('retry-after'), '10');

  await waitFor(async () => (await call(t.url, 'GET', '/health/ready')).status === 200, 30_000, 50);
  const again = await call(t.url, 'GET', '/v1/payments?limit=1', { apiKey: t.apiKey });
  assert.equal(again.status, 200, 'served again once the loop is free');
  assert.ok((await shedCount(t, 'event_loop_delay')) >= 1);
});
