/** The callbacks the simulator posts: FeexPay's payload shape, retries on non-2xx, duplicates, lost ones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sleep, waitFor } from './helpers.ts';
import { rawApi } from './raw-api.ts';
import { useSimulator } from './simulator-fixture.ts';

const fx = useSimulator();
const { rtp } = rawApi(() => fx.sim);

describe('webhooks', () => {
  it('final state posts the payload FeexPay sends: unsigned, phoneNumber a number, callback_info echoed', async () => {
    const r = await rtp('00');
    const [d] = await waitFor(() => fx.hook.deliveries.length === 1 && fx.hook.deliveries, 2000, 'webhook');
    assert.ok(d);
    assert.equal(d.headers['content-type'], 'application/json');
    assert.ok(!Object.keys(d.headers).some((h) => /signature|hmac/i.test(h)));
    const { date, ...rest } = d.body;
    assert.deepEqual(rest, {
      reference: r.json.reference,
      order_id: r.json.reference,
      status: 'SUCCESSFUL',
      amount: 2500,
      callback_info: 'cb_00',
      first_name: 'Kofi',
      last_name: 'Mensah',
      email: 'kofi@example.com',
      type: 'Paiement',
      phoneNumber: 2290167000000,
      reseau: 'MTN',
      ref_link: '',
      description: 'Order 7',
      reason: '',
    });
    assert.match(d.raw, /"phoneNumber":2290167000000[,}]/);
    // FeexPay's `date` is the transaction's creation time, not the time of delivery.
    assert.equal(date, fx.sim.payment(r.json.reference)?.createdAt);
  });

  it('failures and cancellations travel as FAILED with a reason', async () => {
    await rtp('01');
    await rtp('10');
    await waitFor(() => fx.hook.deliveries.length === 2, 2000, 'webhooks');
    const byInfo = Object.fromEntries(fx.hook.deliveries.map((d) => [d.body.callback_info, [d.body.status, d.body.reason]]));
    assert.deepEqual(byInfo, {
      cb_01: ['FAILED', 'LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED'],
      cb_10: ['FAILED', 'CANCELLED'],
    });
  });

  it('retries on non-2xx until delivered', async () => {
    fx.hook.answer = (n) => (n < 3 ? 500 : 200);
    const r = await rtp('00');
    await waitFor(() => fx.hook.deliveries.length === 3, 2000, 'three attempts');
    await sleep(100);
    assert.deepEqual(
      fx.hook.deliveries.map((d) => d.answered),
      [500, 500, 200],
    );
    assert.deepEqual(fx.sim.counters().webhooks, { attempts: 3, delivered: 1, failed: 2 });
    assert.deepEqual([fx.sim.payment(r.json.reference)?.webhookAttempts, fx.sim.payment(r.json.reference)?.webhooksDelivered], [3, 1]);
  });

  it('gives up after the configured attempts', async () => {
    fx.hook.answer = () => 503;
    await rtp('00');
    await waitFor(() => fx.hook.deliveries.length === 3, 2000, 'three attempts');
    await sleep(150);
    assert.equal(fx.hook.deliveries.length, 3);
  });

  it('08 never sends the webhook; 09 sends it three times; 04 stays silent', async () => {
    const lost = await rtp('08');
    const dup = await rtp('09');
    await rtp('04');
    await waitFor(() => fx.hook.deliveries.length === 3, 2000, 'duplicates');
    await sleep(150);
    assert.deepEqual(
      fx.hook.deliveries.map((d) => d.body.reference),
      [dup.json.reference, dup.json.reference, dup.json.reference],
    );
    assert.equal(fx.sim.payment(lost.json.reference)?.status, 'SUCCESSFUL');
  });

  it('03 (failed at once) still posts its webhook', async () => {
    const r = await rtp('03');
    assert.deepEqual([r.status, r.json.status], [200, 'FAILED']);
    await waitFor(() => fx.hook.deliveries.length === 1, 2000, 'webhook');
  });
});
