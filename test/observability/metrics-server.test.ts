/**
 * The separate metrics port: it serves the registry to Prometheus, and a scrape still in flight
 * when the service shuts down is answered and closes its connection, so the shutdown (which closes
 * this server before the API's drain) does not wait for a keep-alive timeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import client from 'prom-client';
import { startMetricsServer } from '../../src/metrics/metrics-server.ts';
import { requestOnAgent } from '../helpers/http.ts';

const scrape = (agent: http.Agent, port: number) => requestOnAgent(`http://127.0.0.1:${port}/metrics`, agent);

test('a scrape in flight at shutdown is answered with Connection: close and the server closes without waiting', async () => {
  const registry = new client.Registry();
  let release: () => void = () => {};
  let slow = false;
  new client.Gauge({
    name: 'test_gate',
    help: 'answers once the test lets it',
    registers: [registry],
    async collect() {
      if (slow) await new Promise<void>((r) => (release = r));
      this.set(1);
    },
  });
  const server = await startMetricsServer(registry, '127.0.0.1', 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await scrape(agent, server.port);
    assert.equal(first.status, 200);
    assert.match(first.body, /^test_gate 1$/m);
    assert.equal(first.connection, 'keep-alive');

    slow = true;
    const inFlight = scrape(agent, server.port);
    await new Promise((r) => setTimeout(r, 100));
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    release();
    const last = await inFlight;
    assert.equal(last.status, 200);
    assert.equal(last.connection, 'close');
    // Node's default keep-alive timeout is 5 s: the close must not be waiting for it.
    await Promise.race([closing, new Promise((r) => setTimeout(r, 2_000))]);
    assert.equal(closed, true, 'the server closed once the scrape in flight was answered');
  } finally {
    agent.destroy();
  }
});
