/**
 * Two app instances on one database (two replicas): every delivery is attempted exactly once,
 * both share the work, and one merchant's dead endpoint does not delay another merchant's events.
 */
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { beninPhone, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { createEndpoint, FAST_EVENTS_ENV } from './helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

// A generous attempt timeout: on a loaded machine an answer slower than it is a timeout, retried
// (at least once, as designed), and would count as a second delivery in the exactly-once test.
const ENV = { ...FAST_EVENTS_ENV, MERCHANT_WEBHOOK_TIMEOUT_MS: '6000', MERCHANT_WEBHOOK_PER_ENDPOINT_CONCURRENCY: '4' };
let a: TestApp;
let b: TestApp;
let rx: Receiver;
before(async () => {
  rx = await startReceiver();
  a = await startTestApp('events-replica-a', ENV);
  // PGlite: the same embedded database; PostgreSQL: a second pool, as another pod would have.
  const second = a.database.kind === 'postgres' ? { ...a.database, db: a.database.connectAgain(), drop: async () => undefined } : a.database;
  b = await startTestApp('events-replica-b', ENV, second);
});
after(async () => {
  await b.close();
  await a.close();
  await rx.close();
});

/** `n` pending payments of a merchant settled in one statement: n transitions, n events. */
async function settleMany(merchantId: string, n: number): Promise<void> {
  const db = a.database.db;
  const ids = Array.from({ length: n }, () => randomUUID());
  const later = new Date(Date.now() + 3_600_000);
  await db('payments').insert(
    ids.map((id, i) => ({
      id,
      merchant_id: merchantId,
      amount: 1000 + i,
      currency: 'XOF',
      network: 'mtn',
      phone_number: beninPhone('04', i % 90),
      next_check_at: later,
      expires_at: later,
    })),
  );
  await db('payments').whereIn('id', ids).update({ status: 'failed', failure_reason: 'cancelled', status_source: 'webhook' });
}

const attemptsIn = async (app: TestApp) => {
  const text = await app.app.metricsRegistry.metrics();
  return [...text.matchAll(/^feexpay_merchant_event_attempts_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
};

describe('two replicas', () => {
  test('deliver 200 events exactly once each, sharing the work', async () => {
    rx.behave('/both', { kind: 'status', status: 200, delayMs: 20 });
    const ep = await createEndpoint(a, `${rx.url}/both`);
    await settleMany(a.merchantId, 200);
    await waitFor(async () => rx.at('/both').length >= 200, 20_000);
    await new Promise((r) => setTimeout(r, 500)); // anything delivered twice would show up by now
    const got = rx.at('/both');
    assert.equal(got.length, 200);
    assert.equal(new Set(got.map((g) => g.headers['webhook-id'])).size, 200);
    const wh = new Webhook(ep.secret);
    for (const g of got) wh.verify(g.body, g.headers);
    await Promise.all([a.app.merchantEvents.worker.drain(), b.app.merchantEvents.worker.drain()]);
    const rows = await a.database.db('event_deliveries').where({ endpoint_id: ep.id });
    assert.equal(rows.length, 200);
    assert.ok(rows.every((r) => r.status === 'delivered' && r.attempts === 1));
    const [counted] = await a.database
      .db('event_delivery_attempts')
      .whereIn(
        'delivery_id',
        rows.map((r) => r.id),
      )
      .count('* as count');
    assert.equal(Number(counted?.count), 200);
    const [na, nb] = [await attemptsIn(a), await attemptsIn(b)];
    assert.equal(na + nb, 200);
    assert.ok(na > 0 && nb > 0, `both replicas delivered (${na} and ${nb})`);
  });

  test("a dead endpoint's backlog does not delay another merchant's event", async () => {
    rx.behave('/dead', { kind: 'hang' });
    const dead = await createEndpoint(a, `${rx.url}/dead`);
    await settleMany(a.merchantId, 40);
    await waitFor(async () => rx.at('/dead').length >= 8); // both replicas' slots for it are taken
    const other = await createMerchant(a.database.db, 'other merchant');
    await createEndpoint(a, `${rx.url}/alive`, {}, other.apiKey);
    const at = Date.now();
    await settleMany(other.merchant.id, 1);
    const got = await waitFor(async () => rx.at('/alive')[0], 5_000);
    const waited = got.at - at;
    assert.ok(waited < 3_000, `delivered in ${waited} ms while the dead endpoint holds its slots`);
    assert.equal(rx.at('/dead').length, 8, 'the dead endpoint has at most 4 attempts per replica in flight');

    // Stopping hands back what was claimed but not attempted: every delivery's attempt count is
    // then the number of attempts recorded for it, and the unattempted ones are due at once.
    await Promise.all([a.app.merchantEvents.worker.stop(), b.app.merchantEvents.worker.stop()]);
    const db = a.database.db;
    const rows = await db('event_deliveries as d')
      .leftJoin('event_delivery_attempts as x', 'x.delivery_id', 'd.id')
      .where('d.endpoint_id', dead.id)
      .groupBy('d.id', 'd.attempts', 'd.next_attempt_at')
      .select('d.id', 'd.attempts', 'd.next_attempt_at', db.raw('count(x.id)::int AS recorded'));
    assert.equal(rows.length, 40);
    assert.ok(
      rows.every((r) => r.attempts === r.recorded),
      JSON.stringify(rows.filter((r) => r.attempts !== r.recorded)),
    );
    assert.ok(rows.filter((r) => r.attempts === 0).every((r) => new Date(r.next_attempt_at).getTime() <= Date.now()));
  });
});
