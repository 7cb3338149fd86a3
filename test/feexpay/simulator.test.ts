/**
 * The simulator as FeexPay's stand-in: its HTTP surface, its control API, the in-process plugin,
 * and its bounds. Webhooks are in simulator-webhooks.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { createFeexPayClient } from '../../src/feexpay/client.ts';
import { createSimulator, feexpaySimulator, startSimulator } from '../../src/feexpay/simulator/index.ts';
import { bj, sleep, waitFor } from './helpers.ts';
import { rawApi } from './raw-api.ts';
import { useSimulator } from './simulator-fixture.ts';

const fx = useSimulator();
const { call, rtp, rtpBody } = rawApi(() => fx.sim);

describe('FeexPay HTTP surface', () => {
  it('401 without a key, with a key lacking fp_, or with another key', async () => {
    for (const key of [null, 'x'.repeat(67), `fp_${'A'.repeat(64)}`]) {
      assert.equal((await call('POST', '/api/transactions/public/requesttopay/mtn', rtpBody('00'), key)).status, 401);
      assert.equal((await call('GET', '/api/transactions/public/single/status/abc', undefined, key)).status, 401);
    }
    assert.equal(fx.sim.counters().requestToPay.total, 0);
  });

  it('404 "<op> channel not configured" for an unknown operator', async () => {
    const r = await rtp('00', {}, 'airtel_ng');
    assert.equal(r.status, 404);
    assert.equal(r.json.message, 'airtel_ng channel not configured');
  });

  it('request-to-pay answers a UUID reference, PENDING; status echoes the payment', async () => {
    const r = await rtp('04');
    assert.equal(r.status, 202);
    assert.match(r.json.reference, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(r.json.status, 'PENDING');
    const s = await call('GET', `/api/transactions/public/single/status/${r.json.reference}`);
    assert.equal(s.status, 200);
    assert.deepEqual([s.json.reference, s.json.status, s.json.amount, s.json.phoneNumber], [r.json.reference, 'PENDING', 2500, bj('04')]);
    assert.equal((await call('GET', '/api/transactions/public/single/status/0b7e0f9e-0000-4000-8000-000000000000')).status, 404);
  });

  it('legacy integration path: reseau label, 502 on a wrong label, legacy status path', async () => {
    const ok = await call('POST', '/api/transactions/requesttopay/integration', rtpBody('04', { reseau: 'CELTIIS BJ' }));
    assert.equal(ok.status, 202);
    assert.equal(fx.sim.payment(ok.json.reference)?.network, 'celtiis_bj');
    const legacy = await call('GET', `/api/transactions/getrequesttopay/integration/${ok.json.reference}`);
    assert.equal(legacy.json.status, 'PENDING');
    for (const reseau of ['CELTIIS', 'mtn', undefined]) {
      const bad = await call('POST', '/api/transactions/requesttopay/integration', rtpBody('00', { reseau }));
      assert.equal(bad.status, 502);
      assert.equal(bad.json, undefined, 'a gateway error page, not JSON');
    }
  });

  it('garbage scenario answers 200 with a non-JSON body', async () => {
    const r = await rtp('07');
    assert.equal(r.status, 200);
    assert.equal(r.json, undefined);
    assert.equal(fx.sim.byCallbackInfo('cb_07').payments.length, 1);
  });

  it('400 on invalid bodies, before anything is created', async () => {
    for (const extra of [{ amount: 99 }, { amount: 2_000_001 }, { amount: 150.5 }, { amount: '1000' }, { phoneNumber: '+22901' }, { shop: '' }]) {
      assert.equal((await rtp('00', extra)).status, 400, JSON.stringify(extra));
    }
    assert.equal(fx.sim.counters().payments, 0);
  });
});

describe('control API over HTTP', () => {
  it('counters, lookup by callback_info, force status, resend', async () => {
    const r = await rtp('04', { callback_info: 'ctl_1' });
    await rtp('06', { callback_info: 'ctl_1' });
    await call('GET', `/api/transactions/public/single/status/${r.json.reference}`);
    const counters = await call('GET', '/_simulator/counters', undefined, null);
    assert.deepEqual(counters.json.requestToPay, { total: 2, byNetwork: { mtn: 2 }, byPath: { per_operator: 2 } });
    assert.equal(counters.json.statusCalls, 1);
    const lookup = await call('GET', '/_simulator/payments?callback_info=ctl_1', undefined, null);
    assert.equal(lookup.json.requests, 2);
    assert.deepEqual(
      lookup.json.payments.map((p: { reference: string }) => p.reference),
      [r.json.reference],
    );

    const forced = await call('POST', `/_simulator/payments/${r.json.reference}/status`, { status: 'FAILED', reason: 'PAYER_NOT_FOUND' }, null);
    assert.deepEqual([forced.json.status, forced.json.reason], ['FAILED', 'PAYER_NOT_FOUND']);
    await waitFor(() => fx.hook.deliveries.length === 1, 2000, 'forced webhook');
    assert.equal((await call('POST', `/_simulator/payments/${r.json.reference}/webhook`, undefined, null)).status, 202);
    await waitFor(() => fx.hook.deliveries.length === 2, 2000, 'resent webhook');
    assert.equal((await call('GET', `/_simulator/payments/${r.json.reference}`, undefined, null)).json.webhooksDelivered, 2);
    assert.equal((await call('GET', '/_simulator/payments/nope', undefined, null)).status, 404);
    assert.equal((await call('POST', `/_simulator/payments/${r.json.reference}/status`, { status: 'DONE' }, null)).status, 400);
  });

  it('settle delay, webhook URL, down mode and reset', async () => {
    assert.equal((await call('POST', '/_simulator/settle-delay', { ms: 5000 }, null)).status, 200);
    const slow = await rtp('00');
    await sleep(100);
    assert.equal(fx.sim.payment(slow.json.reference)?.status, 'PENDING');

    assert.equal((await call('POST', '/_simulator/webhook-url', { url: 'not a url' }, null)).status, 400);
    assert.equal((await call('POST', '/_simulator/webhook-url', { url: null }, null)).status, 200);

    assert.equal((await call('POST', '/_simulator/down', { mode: '503' }, null)).status, 200);
    assert.equal((await rtp('00')).status, 503);
    assert.equal((await call('GET', '/_simulator/counters', undefined, null)).status, 200, 'control stays up');
    assert.equal((await call('POST', '/_simulator/down', { mode: 'sideways' }, null)).status, 400);

    assert.equal((await call('POST', '/_simulator/reset', undefined, null)).status, 200);
    assert.equal((await rtp('00')).status, 202);
    assert.equal(fx.sim.counters().payments, 1);
  });

  it('hang mode holds requests until the mode changes', async () => {
    fx.sim.setDownMode('hang');
    const pending = rtp('00');
    const first = await Promise.race([pending.then(() => 'answered'), sleep(150).then(() => 'hanging')]);
    assert.equal(first, 'hanging');
    fx.sim.setDownMode('off');
    assert.equal((await pending).status, 503);
  });
});

describe('mounting and bounds', () => {
  it('mounts in process under a prefix; webhook URL set after listen; host routes unaffected', async () => {
    const engine = createSimulator({ settleDelayMs: 20 });
    const host = Fastify();
    host.get('/health', async () => ({ ok: true }));
    await host.register(feexpaySimulator, { engine, prefix: '/_feexpay' });
    await host.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = host.server.address() as { port: number };
      const base = `http://127.0.0.1:${address.port}`;
      engine.setWebhookUrl(fx.hook.url);
      const client = createFeexPayClient({ baseUrl: `${base}/_feexpay`, apiKey: engine.apiKey, shopId: 's', requestTimeoutMs: 1000, statusTimeoutMs: 1000 });
      const r = await client.requestToPay({ network: 'moov', phoneNumber: bj('00'), amount: 100, callbackInfo: 'inproc' });
      assert.equal(r.kind, 'accepted');
      await waitFor(() => fx.hook.deliveries.length === 1, 2000, 'webhook');
      assert.equal(fx.hook.deliveries[0]?.body.reseau, 'MOOV');
      engine.setDownMode('503');
      assert.equal((await fetch(`${base}/health`)).status, 200);
      assert.equal((await fetch(`${base}/_feexpay/_simulator/counters`)).status, 200);
      assert.equal((await client.getStatus(r.kind === 'accepted' ? r.reference : '')).kind, 'unavailable');
    } finally {
      await host.close();
    }
  });

  it('keeps at most maxPayments, forgetting the oldest', async () => {
    const small = await startSimulator({ maxPayments: 3, settleDelayMs: 10 });
    try {
      const client = createFeexPayClient({ baseUrl: small.url, apiKey: small.apiKey, shopId: 's', requestTimeoutMs: 1000, statusTimeoutMs: 1000 });
      const refs: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const r = await client.requestToPay({ network: 'mtn', phoneNumber: bj('04'), amount: 100, callbackInfo: `b${i}` });
        if (r.kind === 'accepted') refs.push(r.reference);
      }
      assert.equal(small.counters().payments, 3);
      assert.equal((await client.getStatus(refs[0] as string)).kind, 'not_found');
      assert.equal((await client.getStatus(refs[4] as string)).kind, 'found');
    } finally {
      await small.close();
    }
  });

  it('close() is prompt with timers and slow requests outstanding', async () => {
    const s = await startSimulator({ settleDelayMs: 60_000, slowResponseMs: 60_000 });
    const slow = fetch(`${s.url}/api/transactions/public/requesttopay/mtn`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(rtpBody('05')),
    }).catch(() => undefined);
    await waitFor(() => s.counters().payments === 1, 1000, 'slow payment');
    const started = Date.now();
    await s.close();
    await slow;
    assert.ok(Date.now() - started < 1000);
  });

  it('refuses an API key that is not fp_ + 64 alphanumerics', async () => {
    await assert.rejects(startSimulator({ apiKey: 'sk_live_123' }), /fp_/);
  });
});
