/**
 * SharedCounters against the real Redis (127.0.0.1:6379, database 6) while its client is still
 * making its first connection: counted in this process without the fallback warning, then in
 * Redis once it is ready; a Redis that never answers is still reported once the grace is over.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Redis } from 'ioredis';
import { SharedCounters } from '../../src/plugins/external/shared-counters.ts';

const REDIS_DB = 6;
const PREFIX = 'fgw-test:counters:';
const clients: Redis[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
});

function recordingLog() {
  const lines: { level: string; event: unknown }[] = [];
  const at = (level: string) => (obj: object) => void lines.push({ level, event: (obj as { event?: unknown }).event });
  return { lines, log: { warn: at('warn'), info: at('info') } };
}

function client(port: number): Redis {
  const c = new Redis({ host: '127.0.0.1', port, db: REDIS_DB, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  c.on('error', () => {});
  clients.push(c);
  return c;
}

test('a request while the first connection is being made is counted here without a warning, then in Redis once it is ready', async () => {
  const redis = client(6379);
  const { lines, log } = recordingLog();
  const counters = new SharedCounters(redis, PREFIX, log);
  const key = `k-${process.pid}-${Date.now()}`;
  assert.notEqual(redis.status, 'ready', 'the call must come before the connection is up');
  assert.equal((await counters.incr(key, 60_000)).current, 1);
  assert.equal(counters.mode, 'local');
  await new Promise((resolve) => redis.once('ready', resolve));
  assert.equal((await counters.incr(key, 60_000)).current, 1, 'counted in Redis from its own zero');
  assert.equal(await redis.get(PREFIX + key), '1');
  assert.equal(counters.mode, 'redis');
  assert.deepEqual(lines, [], 'neither a fallback warning nor a recovery line for a connection being made');
  await redis.del(PREFIX + key);
});

test('a Redis that never answers is reported once the first connection has had its grace', async () => {
  // A port nobody listens on: every connection attempt is refused.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const { lines, log } = recordingLog();
  const counters = new SharedCounters(client(port), PREFIX, log, 300);
  assert.equal((await counters.incr('k', 60_000)).current, 1);
  assert.deepEqual(lines, [], 'quiet within the grace');
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal((await counters.incr('k', 60_000)).current, 2, 'still counted here');
  assert.deepEqual(lines, [{ level: 'warn', event: 'rate_limit.fallback' }]);
});
