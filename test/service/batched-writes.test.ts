/**
 * POST /v1/payments's two writes batched across requests (payments/batched-writes.ts on
 * db/statement-batch.ts), on the test database: under load many payments share one statement,
 * yet every caller gets its own row or its own refusal, as if its statement had run alone; a
 * failure of the database rejects the batch and the rows queued behind it at once, without retries.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createKnex } from '../../src/db/knex.ts';
import { statementBatch } from '../../src/db/statement-batch.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import { presentPayment } from '../../src/payments/present.ts';
import { createPaymentRepository, type NewPayment, type PaymentRepository } from '../../src/payments/repository.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
let repo: PaymentRepository;
let merchantId: string;
/** SQL text of every statement the database handle ran. */
const statements: string[] = [];
/** What the repository told its observer (feexpay_db_batched_statement_rows). */
const observed: [string, number][] = [];

before(async () => {
  t = await createTestDatabase();
  ({
    merchant: { id: merchantId },
  } = await createMerchant(t.db, 'merchant batched-writes'));
  repo = createPaymentRepository(t.db, 24, (statement, rows) => observed.push([statement, rows]));
  t.db.on('query', (q: { sql: string }) => statements.push(q.sql));
});
after(() => t.drop());

const newPayment = (amount: number): NewPayment => ({
  id: randomUUID(),
  merchant_id: merchantId,
  livemode: true,
  amount,
  currency: 'XOF',
  network: 'mtn',
  phone_number: '22990000000',
  description: `payment of ${amount}`,
  customer: {},
  metadata: { n: String(amount) },
  next_check_at: new Date(Date.now() + 60_000),
  expires_at: new Date(Date.now() + 600_000),
});

/** Statements run by `work` that inserted payments (the batched claim) or attached references. */
async function counted<T>(pattern: RegExp, work: () => Promise<T>): Promise<{ result: T; count: number }> {
  const from = statements.length;
  const result = await work();
  return { result, count: statements.slice(from).filter((s) => pattern.test(s)).length };
}
const CLAIMS = /INSERT INTO payments/;
const ATTACHES = /UPDATE payments p SET feexpay_reference/;

test('at low load every payment is its own statement', async () => {
  const { result, count } = await counted(CLAIMS, async () => {
    const claims = [];
    for (let i = 0; i < 4; i++) claims.push(await repo.claimKeyAndInsert(`alone-${i}-${randomUUID()}`, 'h', newPayment(100 + i)));
    return claims;
  });
  assert.equal(count, 4);
  assert.deepEqual(
    result.map((c) => c.kind === 'claimed' && c.payment.amount),
    [100, 101, 102, 103],
  );
});

test('100 concurrent payments share statements, and each caller gets its own row', async () => {
  const inputs = Array.from({ length: 100 }, (_, i) => ({ key: `burst-${i}-${randomUUID()}`, payment: newPayment(1_000 + i) }));
  const seen = observed.length;
  const { result, count } = await counted(CLAIMS, () => Promise.all(inputs.map((p) => repo.claimKeyAndInsert(p.key, `hash-${p.key}`, p.payment))));
  assert.ok(count < 50, `${count} statements for 100 payments`);
  const told = observed.slice(seen);
  assert.equal(told.length, count, 'the observer is told of every statement');
  assert.ok(told.every(([statement]) => statement === 'payment_claim'));
  assert.equal(
    told.reduce((sum, [, rows]) => sum + rows, 0),
    100,
  );
  result.forEach((claim, i) => {
    assert.equal(claim.kind, 'claimed');
    const row = (claim as { payment: { id: string; amount: number; metadata: unknown; status: string } }).payment;
    assert.equal(row.id, inputs[i]!.payment.id);
    assert.equal(row.amount, 1_000 + i);
    assert.deepEqual(row.metadata, { n: String(1_000 + i) });
    assert.equal(row.status, 'pending');
  });
  const keys = await t.db('idempotency_keys').whereIn(
    'key',
    inputs.map((p) => p.key),
  );
  assert.equal(keys.length, 100);
  for (const k of keys) assert.equal(k.payment_id, inputs.find((p) => p.key === k.key)!.payment.id);
});

test('a payment the database refuses fails alone: the others of its batch are inserted', async () => {
  const inputs = Array.from({ length: 20 }, (_, i) => ({ key: `refused-${i}-${randomUUID()}`, payment: newPayment(i === 7 ? 0 : 2_000 + i) }));
  const settled = await Promise.allSettled(inputs.map((p) => repo.claimKeyAndInsert(p.key, 'h', p.payment)));
  settled.forEach((s, i) => {
    if (i === 7) assert.equal(s.status === 'rejected' && (s.reason as { code?: string }).code, '23514', 'CHECK (amount > 0)');
    else assert.equal(s.status === 'fulfilled' && s.value.kind, 'claimed');
  });
  const stored = await t.db('payments').whereIn(
    'id',
    inputs.map((p) => p.payment.id),
  );
  assert.equal(stored.length, 19);
  assert.equal(await t.db('idempotency_keys').where({ key: inputs[7]!.key }).first(), undefined, 'the refused payment took no key');
});

test('one key sent ten times at once: one payment, nine callers told it is taken', async () => {
  const key = `same-${randomUUID()}`;
  const claims = await Promise.all(Array.from({ length: 10 }, () => repo.claimKeyAndInsert(key, 'same hash', newPayment(3_000))));
  const claimed = claims.filter((c) => c.kind === 'claimed');
  assert.equal(claimed.length, 1);
  for (const c of claims.filter((c) => c.kind === 'taken')) {
    assert.equal(c.kind === 'taken' && c.paymentId, claimed[0]!.kind === 'claimed' && claimed[0]!.payment.id);
    assert.equal(c.kind === 'taken' && c.state, 'in_flight');
  }
  assert.equal((await t.db('payments').where({ amount: 3_000 })).length, 1);
});

test('concurrent attaches share statements; a reference held twice is a conflict for one payment only', async () => {
  const made = await Promise.all(
    Array.from({ length: 30 }, async (_, i) => {
      const key = `attach-${i}-${randomUUID()}`;
      const claim = await repo.claimKeyAndInsert(key, 'h', newPayment(4_000 + i));
      assert.equal(claim.kind, 'claimed');
      return { key, payment: (claim as { payment: Parameters<typeof presentPayment>[0] }).payment };
    }),
  );
  // Payments 0 and 1 are given one reference (FeexPay contradicting itself), the rest their own.
  const referenceOf = (i: number) => `FX-${i === 1 ? 0 : i}-${made[0]!.payment.id}`;
  const { result, count } = await counted(ATTACHES, () =>
    Promise.all(
      made.map(({ key, payment }, i) =>
        repo.attachFeexPayAndAnswer(
          payment.id,
          { reference: referenceOf(i), paymentUrl: `https://pay.example/${i}` },
          { merchantId, livemode: true, key },
          presentPayment({ ...payment, feexpay_reference: referenceOf(i), payment_url: `https://pay.example/${i}` }),
        ),
      ),
    ),
  );
  assert.ok(count < 30, `${count} statements for 30 attaches`);
  const conflicts = result.flatMap((r, i) => (r === 'conflict' ? [i] : []));
  assert.equal(conflicts.length, 1);
  assert.ok(conflicts[0]! <= 1, 'the conflict is one of the two payments given the same reference');
  result.forEach((r, i) => {
    if (r === 'conflict') return;
    assert.ok(r, `payment ${i} attached`);
    assert.equal(r.row.feexpay_reference, referenceOf(i));
    assert.equal(r.row.payment_url, `https://pay.example/${i}`);
    assert.deepEqual(r.stored, presentPayment(r.row), 'the stored answer is the payment as the API shows it');
  });
  const keys = await t.db('idempotency_keys').whereIn(
    'key',
    made.map((m) => m.key),
  );
  assert.equal(keys.filter((k) => k.state === 'done').length, 29);
});

test('a reference stored without an answer (webhook, reconciler, operator) leaves the key as it was', async () => {
  const key = `reference-only-${randomUUID()}`;
  const claim = await repo.claimKeyAndInsert(key, 'h', newPayment(5_000));
  assert.equal(claim.kind, 'claimed');
  const id = (claim as { payment: { id: string } }).payment.id;
  const attached = await repo.attachFeexPay(id, { reference: `FX-only-${id}` });
  assert.equal(attached !== 'conflict' && attached?.feexpay_reference, `FX-only-${id}`);
  const stored = await t.db('idempotency_keys').where({ key }).first();
  assert.deepEqual([stored.state, stored.response_status, stored.response_body], ['in_flight', null, null]);
  assert.equal(await repo.attachFeexPay(id, { reference: `FX-other-${id}` }), undefined, 'a reference is stored once');
});

test('PostgreSQL: a statement cut by the server rejects its batch and the rows queued behind it at once, with no retry', async (ctx) => {
  if (!t.url) return ctx.skip('PostgreSQL only (the embedded database has no statement_timeout)');
  const db = createKnex({ databaseUrl: t.url, dataDir: '', timeouts: { statementTimeoutMs: 300, queryTimeoutMs: 5_000, connectTimeoutMs: 3_000, acquireTimeoutMs: 5_000 } });
  try {
    let runs = 0;
    const sleepy = statementBatch<number, number>(
      async (rows) => {
        runs++;
        const { rows: out } = await db.raw('SELECT v FROM unnest(?::int[]) AS v, pg_sleep(1)', [rows]);
        return (out as { v: number }[]).map((r) => r.v);
      },
      { maxRows: 64, maxInFlight: 1, keyOf: String },
    );
    const started = Date.now();
    const settled = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => sleepy(i)));
    const took = Date.now() - started;
    for (const s of settled) assert.equal(s.status === 'rejected' && (s.reason as { code?: string }).code, '57014');
    assert.equal(runs, 1, 'one statement ran: the queued rows failed with it, none was retried');
    assert.ok(took < 1_000, `all rejected after ${took} ms`);
  } finally {
    await db.destroy();
  }
});
