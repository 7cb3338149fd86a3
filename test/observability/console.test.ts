/**
 * What one payment writes at info on the embedded default (the built-in simulator): its own steps
 * and the requests of its clients (the merchant, FeexPay's webhook), not the service's calls to
 * its own simulator; and a decline is told at info, as FeexPay's answer, not as a failed call.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { beninPhone, LOG_DIR, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

const NAME = 'console-lines';
let t: TestApp;
before(async () => {
  t = await startTestApp(NAME);
});
after(async () => t.close());

type Line = Record<string, unknown> & { level: number; msg: string };

function lines(): Line[] {
  const file = path.join(LOG_DIR, `${NAME}.log`);
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  // The log is being written while it is read: only lines already ended are whole.
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

/** Creates a payment and waits until it is final and its webhook's request line is written. */
async function settledPayment(outcome: string, serial: number): Promise<{ id: string; own: Line[] }> {
  const pay = await call(t.url, 'POST', '/v1/payments', {
    body: { amount: 1500, currency: 'XOF', network: 'mtn', phone_number: beninPhone(outcome, serial) },
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey() },
  });
  assert.equal(pay.status, 201);
  const id = pay.body.id as string;
  await waitFor(async () => (await call(t.url, 'GET', `/v1/payments/${id}`, { apiKey: t.apiKey })).body.status !== 'pending', 10_000);
  const reqIds = new Set<unknown>();
  const own = await waitFor(() => {
    const all = lines();
    const mine = all.filter((l) => JSON.stringify(l).includes(id));
    for (const l of mine) if (l.reqId) reqIds.add(l.reqId);
    const related = all.filter((l) => JSON.stringify(l).includes(id) || reqIds.has(l.reqId));
    // The webhook's request line (its reqId is the handled line's) comes last.
    const webhook = mine.find((l) => l.msg === 'FeexPay webhook handled' || l.event === 'webhook.received');
    return Promise.resolve(webhook && related.some((l) => l.reqId === webhook.reqId && l.msg === 'request completed') && related);
  }, 10_000);
  return { id, own };
}

test('the service calling its own simulator writes no request lines; the payment writes a handful', async () => {
  const { own } = await settledPayment('00', 1);
  const simulatorRequests = lines().filter((l) => l.msg === 'request completed' && String((l.req as { url?: string })?.url).startsWith('/_feexpay'));
  assert.deepEqual(simulatorRequests, [], 'no request line for /_feexpay');
  const messages = own.filter((l) => l.level >= 30).map((l) => l.msg);
  assert.ok(messages.includes('payment initiated') && messages.includes('payment transition') && messages.includes('FeexPay webhook handled'), messages.join(' | '));
  assert.ok(messages.filter((m) => m === 'request completed').length >= 2, "the merchant's and the webhook's requests are logged");
  assert.ok(own.length <= 12, `${own.length} lines for one payment: ${messages.join(' | ')}`);
});

test("a decline is FeexPay's answer at info, not a warning about a failed call", async () => {
  // 03: FeexPay answers the request-to-pay 200 with status FAILED (insufficient funds).
  const { own } = await settledPayment('03', 2);
  const answer = own.find((l) => l.component === 'feexpay' && l.operation === 'request_to_pay');
  assert.deepEqual([answer?.level, answer?.msg, answer?.httpStatus], [30, 'feexpay call: payment declined', 200]);
  assert.deepEqual(
    own.filter((l) => l.level >= 40).map((l) => l.msg),
    [],
    'no warning for an ordinary decline',
  );
  assert.ok(own.some((l) => l.msg === 'payment transition' && l.to === 'failed'));
});
