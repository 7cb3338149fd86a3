/**
 * Live mode (a FeexPay key configured): endpoints must be https on public addresses, checked at
 * registration and again, after DNS resolution, at every delivery, on the address the connection
 * then uses. With the simulator, or MERCHANT_WEBHOOK_ALLOW_PRIVATE=true, loopback http is fine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { isPublicAddress } from '../../src/events/address-policy.ts';
import { createSender } from '../../src/events/http-attempt.ts';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { createEndpoint, eventsOf, failedPayment, FAST_EVENTS_ENV } from './helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let dev: TestApp;
let live: TestApp;
let sim: RunningSimulator;
let rx: Receiver;
before(async () => {
  rx = await startReceiver();
  sim = await startSimulator({ settleDelayMs: 30 });
  dev = await startTestApp('events-ssrf-dev', { ...FAST_EVENTS_ENV, MERCHANT_WEBHOOK_WORKER_ENABLED: 'false' });
  live = await startTestApp('events-ssrf-live', FAST_EVENTS_ENV, dev.database, sim);
});
after(async () => {
  await live.close();
  await dev.close();
  await sim.close();
  await rx.close();
});

describe('registration in live mode', () => {
  test('refuses http, private, loopback, link-local, metadata and mapped addresses, naming body.url', async () => {
    const port = new URL(rx.url).port;
    for (const url of [
      `http://127.0.0.1:${port}/hook`,
      `http://example.com/hook`,
      `https://127.0.0.1:${port}/hook`,
      `https://localhost:${port}/hook`,
      'https://10.0.0.7/hook',
      'https://172.20.1.1/hook',
      'https://192.168.1.10/hook',
      'https://100.64.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://0.0.0.0/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[fd12:3456::1]/hook',
      'https://[fe80::1]/hook',
      'https://[64:ff9b::a9fe:a9fe]/hook',
    ]) {
      const res = await call(live.url, 'POST', '/v1/webhook_endpoints', { apiKey: live.apiKey, body: { url } });
      assert.equal(res.status, 400, url);
      assert.equal(res.body.error.code, 'invalid_url', url);
      assert.match(res.body.error.message, /^body\.url /, url);
    }
  });

  test('the simulator mode accepts loopback http, for a developer', async () => {
    const ep = await createEndpoint(dev, `${rx.url}/dev`);
    assert.equal(ep.url, `${rx.url}/dev`);
  });
});

describe('delivery in live mode', () => {
  test('a name that resolves to 127.0.0.1 at delivery time is refused before any connection', async () => {
    // Registered where the check passes (as if the name resolved publicly then), delivered by live.
    const ep = await createEndpoint(dev, `https://localhost:${new URL(rx.url).port}/rebound`);
    const p = await failedPayment(live, dev.apiKey);
    const [event] = await waitFor(async () => (await eventsOf(live, p.id)).length > 0 && eventsOf(live, p.id));
    const delivery = await waitFor(async () => {
      const d = (await call(live.url, 'GET', `/v1/events/${event.id}`, { apiKey: dev.apiKey })).body.deliveries.find((x: any) => x.endpoint_id === ep.id);
      return d?.attempts.length > 0 && d;
    });
    assert.equal(delivery.attempts[0].outcome, 'refused');
    assert.match(delivery.attempts[0].response_body, /non-public address/);
    assert.equal(rx.connections(), 0, 'nothing reached the receiver');
  });
});

describe('the sender and the address policy', () => {
  test('strict: refuses http and names resolving to loopback without connecting; allowPrivate: delivers', async () => {
    rx.behave('/direct', { kind: 'status', status: 200 });
    const port = new URL(rx.url).port;
    const strict = createSender({ timeoutMs: 1000, allowPrivate: false }, 4);
    const open = createSender({ timeoutMs: 1000, allowPrivate: true }, 4);
    try {
      const before = rx.connections();
      for (const url of [`${rx.url}/direct`, `https://localhost:${port}/direct`, `https://[::ffff:7f00:1]:${port}/direct`]) {
        const r = await strict.attempt(url, {}, '{}');
        assert.equal(r.outcome, 'refused', url);
      }
      assert.equal(rx.connections(), before);
      const ok = await open.attempt(`${rx.url}/direct`, {}, '{}');
      assert.equal(ok.outcome, 'succeeded');
      assert.equal(ok.status, 200);
    } finally {
      strict.close();
      open.close();
    }
  });

  test('live mode is strict unless MERCHANT_WEBHOOK_ALLOW_PRIVATE says otherwise', () => {
    const key = { FEEXPAY_API_KEY: 'fp_' + 'a'.repeat(64), FEEXPAY_SHOP_ID: 'shop0000000001', WEBHOOK_TOKEN: 'x'.repeat(20), DATABASE_URL: 'postgres://127.0.0.1:5432/x' };
    assert.equal(loadConfig({}).merchantEvents.allowPrivate, true);
    assert.equal(loadConfig(key).merchantEvents.allowPrivate, false);
    assert.equal(loadConfig({ ...key, MERCHANT_WEBHOOK_ALLOW_PRIVATE: 'true' }).merchantEvents.allowPrivate, true);
    assert.throws(() => loadConfig({ MERCHANT_WEBHOOK_RETRY_SCHEDULE: '5,soon' }), /MERCHANT_WEBHOOK_RETRY_SCHEDULE/);
  });

  test('public and non-public addresses', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '41.138.89.10', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPublicAddress(ip), true, ip);
    for (const ip of [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.255',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '192.0.2.1',
      '198.18.0.1',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::7f00:1',
      '2002:c0a8:101::1',
      'fc00::1',
      'fd00:ec2::254',
      'fe80::1',
      'ff02::1',
      '2001:db8::1',
      'not-an-ip',
    ])
      assert.equal(isPublicAddress(ip), false, ip);
  });
});
