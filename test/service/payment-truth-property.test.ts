/**
 * Property: whatever order things happen in (answers lost or not, webhooks lost, duplicated,
 * delayed, forged or paired with another payment, reconciler passes, deadlines, FeexPay deciding
 * late), the service's final state never contradicts what FeexPay reported for the payment, and
 * every contradiction or unknown ends in a review item. FeexPay is the in-process simulator over
 * HTTP; its outcomes are forced by the commands, and its webhooks are delivered by them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { beninPhone, startTestApp, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';
import { pastDeadline, reviewItems } from './payment-truth-helpers.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp('payment-truth-property', { RECONCILE_AFTER_MS: '0', PAYMENT_DEADLINE_MS: '600000' });
  // FeexPay decides only when a command says so, and posts nothing by itself.
  t.simulator.setSettleDelay(3_600_000);
  t.simulator.setWebhookUrl(undefined);
});
after(async () => t.close());

/** How request-to-pay goes: answered, answer lost (garbage, payment exists), 500 (maybe nothing), or FeexPay reporting another amount. */
const KINDS = { answered: '00', answer_lost: '07', server_error: '06', lying_amount: '90' } as const;
type Kind = keyof typeof KINDS;

type Command =
  | { op: 'decide'; i: number; status: 'SUCCESSFUL' | 'FAILED' }
  | { op: 'webhook'; i: number; times: number }
  | { op: 'forge'; i: number; j: number }
  | { op: 'reconcile' }
  | { op: 'deadline'; i: number };

const N = 3;
const index = fc.integer({ min: 0, max: N - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('decide' as const), i: index, status: fc.constantFrom('SUCCESSFUL' as const, 'FAILED' as const) }),
  fc.record({ op: fc.constant('webhook' as const), i: index, times: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('forge' as const), i: index, j: index }),
  fc.constant({ op: 'reconcile' as const }),
  fc.record({ op: fc.constant('deadline' as const), i: index }),
);

let serial = 0;

async function create(kind: Kind): Promise<string> {
  const res = await call(t.url, 'POST', '/v1/payments', {
    body: { amount: 1000, currency: 'XOF', network: 'mtn', phone_number: beninPhone(KINDS[kind], ++serial % 9000) },
    apiKey: t.apiKey,
    headers: { 'idempotency-key': newKey('prop') },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

const atSim = (id: string) => t.simulator.byCallbackInfo(id).payments[0];
const hook = (body: unknown) => call(t.url, 'POST', `/v1/webhooks/feexpay/${t.config.webhookToken}`, { body });

async function run(ids: string[], cmd: Command): Promise<void> {
  if (cmd.op === 'reconcile') {
    await t.app.reconciler.runOnce();
    return;
  }
  const id = ids[cmd.i]!;
  const sim = atSim(id);
  if (cmd.op === 'deadline') return pastDeadline(t, id);
  if (!sim) return;
  if (cmd.op === 'decide') {
    // FeexPay decides once; a decision after our deadline is a late outcome.
    if (sim.status === 'PENDING') t.simulator.forceStatus(sim.reference, cmd.status, cmd.status === 'FAILED' ? 'PAYER_NOT_FOUND' : '', { webhook: false });
    return;
  }
  if (cmd.op === 'webhook') {
    const now = t.simulator.payment(sim.reference)!;
    for (let k = 0; k < cmd.times; k++) {
      const res = await hook({ reference: sim.reference, callback_info: id, status: now.status === 'PENDING' ? 'SUCCESSFUL' : now.status, amount: now.amount });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    return;
  }
  // Forged: payment i named, with payment j's real reference.
  const other = atSim(ids[cmd.j]!);
  if (!other || cmd.i === cmd.j) return;
  const res = await hook({ reference: other.reference, callback_info: id, status: 'SUCCESSFUL', amount: 1000 });
  assert.equal(res.status, 200);
}

/** The final state agrees with FeexPay's, or a review item says why it cannot. */
async function check(id: string, kind: Kind): Promise<void> {
  const p = await t.database.db('payments').where({ id }).first();
  const items = await reviewItems(t, id);
  const sim = atSim(id);
  const feexpay = sim ? t.simulator.payment(sim.reference)!.status : 'NONE';
  const context = JSON.stringify({ kind, ours: p.status, feexpay, reference: p.feexpay_reference, items: items.map((i) => i.cause) });

  assert.notEqual(p.status, 'pending', `nothing stays pending after its deadline and a final pass: ${context}`);
  if (p.status === 'successful') {
    assert.equal(feexpay, 'SUCCESSFUL', `successful only when FeexPay says so: ${context}`);
    assert.notEqual(kind, 'lying_amount', `never successful when FeexPay reports another amount: ${context}`);
    assert.equal(p.feexpay_reference, sim!.reference, `settled on its own reference: ${context}`);
  }
  if (p.status === 'failed') assert.equal(feexpay, 'FAILED', `failed only when FeexPay says so: ${context}`);
  if (p.status === 'expired') {
    if (feexpay === 'SUCCESSFUL')
      assert.ok(
        items.some((i) => i.cause === 'late_success'),
        `a late success is a review item: ${context}`,
      );
    else assert.notEqual(feexpay, 'NONE', `expired only on FeexPay's word: ${context}`);
  }
  if (p.status === 'needs_review')
    assert.ok(
      items.some((i) => i.resolved_at === null),
      `a payment under review has an open item: ${context}`,
    );
  if (kind === 'lying_amount' && feexpay === 'SUCCESSFUL' && p.feexpay_reference) {
    // Seen by us at all (webhook or reconciler): the mismatch must be on record.
    assert.ok(p.status === 'needs_review' || p.status === 'expired', context);
  }
}

test('the final state never contradicts FeexPay, and every unknown ends in review', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom(...(Object.keys(KINDS) as Kind[])), { minLength: N, maxLength: N }),
      fc.array(command, { minLength: 1, maxLength: 12 }),
      fc.array(fc.constantFrom('SUCCESSFUL' as const, 'FAILED' as const, null), { minLength: N, maxLength: N }),
      async (kinds, commands, late) => {
        const ids: string[] = [];
        for (const kind of kinds) ids.push(await create(kind));
        for (const cmd of commands) await run(ids, cmd);
        // Every deadline passes; the reconciler takes its final look.
        for (const id of ids) await pastDeadline(t, id);
        await t.app.reconciler.runOnce();
        // FeexPay may still decide after that, and say so in a webhook.
        for (const [i, id] of ids.entries()) {
          const sim = atSim(id);
          const status = late[i];
          if (!sim || !status || t.simulator.payment(sim.reference)!.status !== 'PENDING') continue;
          t.simulator.forceStatus(sim.reference, status, status === 'FAILED' ? 'PAYER_NOT_FOUND' : '', { webhook: false });
          // Sometimes its webhook never arrives: the late look of the reconciler must find it.
          if (i % 2 === 0) await run(ids, { op: 'webhook', i, times: 1 });
        }
        await t.database
          .db('payments')
          .whereIn('id', ids)
          .whereNotNull('late_check_at')
          .update({ late_check_at: new Date(Date.now() - 1000) });
        await t.app.reconciler.runOnce();
        try {
          for (const [i, id] of ids.entries()) await check(id, kinds[i]!);
        } catch (err) {
          // fast-check reports the inputs; the broken invariant is printed here.
          console.error((err as Error).message);
          throw err;
        }
      },
    ),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 40), endOnFailure: true, verbose: 2, ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {}) },
  );
});
