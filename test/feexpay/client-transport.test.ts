/**
 * The real client when the transport fails (FeexPay down, hanging, refusing connections, cutting
 * or oversizing its answer, redirecting), and what every call leaves in observe() and the log.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createFeexPayClient } from '../../src/feexpay/client.ts';
import { accepted, clientFixture, SHOP } from './client-fixture.ts';
import { bj } from './helpers.ts';

const f = clientFixture();
const { rec, makeClient, pay, pollUntilFinal } = f;

describe('transport failures', () => {
  it('down mode 503: request-to-pay unknown, status unavailable', async () => {
    f.sim.setDownMode('503');
    const r = await pay('00');
    assert.deepEqual(r.kind === 'unknown' && [r.cause, r.httpStatus], ['server_error', 503]);
    const s = await f.client.getStatus('0b7e0f9e-0000-4000-8000-000000000000');
    assert.deepEqual(s.kind === 'unavailable' && [s.cause, s.httpStatus], ['server_error', 503]);
    assert.deepEqual(
      rec.calls.map((c) => c.outcome),
      ['error', 'error'],
    );
  });

  it('down mode hang: timeouts', async () => {
    f.sim.setDownMode('hang');
    const r = await pay('00');
    assert.equal(r.kind === 'unknown' && r.cause, 'timeout');
    const s = await f.client.getStatus('0b7e0f9e-0000-4000-8000-000000000000');
    assert.equal(s.kind === 'unavailable' && s.cause, 'timeout');
    assert.deepEqual(
      rec.calls.map((c) => c.outcome),
      ['timeout', 'timeout'],
    );
    f.sim.setDownMode('off');
    assert.equal((await pay('00')).kind, 'accepted');
  });

  it('connection refused is unknown (network)', async () => {
    const dead = createFeexPayClient({ baseUrl: 'http://127.0.0.1:1', apiKey: f.sim.apiKey, shopId: SHOP, requestTimeoutMs: 500, statusTimeoutMs: 500, observe: rec.observe });
    const r = await dead.requestToPay({ network: 'mtn', phoneNumber: bj('00'), amount: 100, callbackInfo: 'x' });
    assert.equal(r.kind === 'unknown' && r.cause, 'network');
    assert.deepEqual(
      rec.calls.map((c) => c.outcome),
      ['error'],
    );
  });

  /** A client against a one-route server that answers with `respond`. */
  async function against(respond: (res: import('node:http').ServerResponse) => void, run: (c: ReturnType<typeof makeClient>) => Promise<void>): Promise<void> {
    const server = createServer((_req, res) => respond(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run(makeClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('an answer over 64 KiB is not read into memory: bad response', async () => {
    await against(
      (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"reference":"${'x'.repeat(100_000)}"}`),
      async (c) => {
        const r = await c.requestToPay({ network: 'mtn', phoneNumber: bj('00'), amount: 100, callbackInfo: 'big' });
        assert.deepEqual(r.kind === 'unknown' && [r.cause, r.httpStatus], ['bad_response', 200]);
      },
    );
  });

  it('a connection cut in the middle of the answer is a network failure, not an answer', async () => {
    await against(
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"reference":"abc');
        setTimeout(() => res.socket?.destroy(), 20);
      },
      async (c) => {
        const r = await c.requestToPay({ network: 'mtn', phoneNumber: bj('00'), amount: 100, callbackInfo: 'cut' });
        assert.equal(r.kind === 'unknown' && r.cause, 'network');
        const s = await c.getStatus('0b7e0f9e-0000-4000-8000-000000000000');
        assert.equal(s.kind === 'unavailable' && s.cause, 'network');
      },
    );
  });

  it('redirects are not followed', async () => {
    const server = createServer((_req, res) => res.writeHead(302, { location: `${f.sim.url}/api/transactions/public/requesttopay/mtn` }).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const redirecting = makeClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const r = await redirecting.requestToPay({ network: 'mtn', phoneNumber: bj('00'), amount: 100, callbackInfo: 'r' });
      assert.deepEqual(r.kind === 'unknown' && [r.cause, r.httpStatus], ['bad_response', 302]);
      assert.equal(f.sim.counters().requestToPay.total, 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('observe() and logs', () => {
  it('observe is called once per call with seconds', async () => {
    const r = accepted(await pay('00'));
    await f.client.getStatus(r.reference);
    assert.deepEqual(
      rec.calls.map((c) => [c.operation, c.outcome]),
      [
        ['request_to_pay', 'ok'],
        ['status', 'ok'],
      ],
    );
    for (const c of rec.calls) assert.ok(c.seconds > 0 && c.seconds < 1);
  });

  it('one line per call, with no phone number, name, email, key or raw body', async () => {
    const r = accepted(await pay('00'));
    await pollUntilFinal(r.reference);
    await pay('07');
    await pay('03');
    const lines = rec.lines.filter((l) => l.obj.feexpay === true);
    assert.equal(lines.length, rec.calls.length);
    const text = JSON.stringify(rec.lines);
    for (const secret of [bj('00'), '22901670000', 'Afi', 'Dossou', 'afi@example.com', f.sim.apiKey, 'Bearer', '<html']) {
      assert.ok(!text.includes(secret), `log leaks ${secret}`);
    }
    const line = lines[0]?.obj ?? {};
    for (const key of ['operation', 'network', 'httpStatus', 'durationMs', 'outcome', 'reference']) assert.ok(key in line, `missing ${key}`);
  });
});
