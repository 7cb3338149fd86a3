/**
 * The service's own email/Slack alerts with two replicas: each runs a Notifier, both share the
 * throttle through a real Redis (127.0.0.1:6379, keys under a prefix of this run). One outage seen
 * by both replicas sends one message per window, not two; the repeats the other replica held back
 * are reported by the next message; with Redis unreachable messages still go out.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createNotifier, type Notifier } from '../../src/notify/notifier.ts';
import { createRedisThrottle } from '../../src/notify/shared-throttle.ts';
import { startSlackStandIn, type SlackStandIn } from './slack-standin.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `test:notify:${process.pid}:${Date.now()}:`;
const WINDOW_MS = 1_500;

let redis: Redis;
let slack: SlackStandIn<{ text: string }>;
let available = true;

before(async () => {
  slack = await startSlackStandIn();
  redis = new Redis(REDIS_URL, { connectTimeout: 2_000, maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
  } catch {
    if (process.env.CI === 'true') throw new Error(`Redis not reachable at ${REDIS_URL}`);
    available = false;
  }
});
after(async () => {
  if (available) {
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
  await slack.close();
});

function replica(client: Redis, outcomes: string[]): Notifier {
  return createNotifier({
    slack: { webhookUrl: slack.url },
    windowMs: WINDOW_MS,
    maxPerHour: 100,
    onOutcome: (channel, result) => outcomes.push(`${channel}:${result}`),
    shared: createRedisThrottle(client, { windowMs: WINDOW_MS, maxPerHour: 100, prefix: PREFIX }),
    log: { warn: () => undefined },
  });
}

const outage = { fingerprint: 'feexpay-unreachable', severity: 'critical', title: 'FeexPay unreachable', text: 'every call fails' } as const;

test('two replicas seeing one outage send one message per window; the next reports what the other held back', async (t) => {
  if (!available) return t.skip(`Redis not reachable at ${REDIS_URL}`);
  const [a, b] = [[] as string[], [] as string[]];
  const [ra, rb] = [replica(redis, a), replica(redis, b)];
  try {
    ra.notify(outage);
    await ra.idle();
    rb.notify(outage);
    rb.notify(outage); // held by rb's own throttle: counted locally
    await rb.idle();
    assert.equal(slack.posts.length, 1, 'one message for both replicas');
    assert.deepEqual(a, ['slack:sent']);
    assert.deepEqual(b, ['slack:suppressed', 'slack:suppressed']);

    await new Promise((r) => setTimeout(r, WINDOW_MS + 200));
    ra.notify(outage);
    await ra.idle();
    assert.equal(slack.posts.length, 2);
    // rb's first occurrence was held in Redis; its second never left rb (its own window).
    assert.match(slack.posts[1]!.text, /1 similar alert suppressed/);
  } finally {
    await Promise.all([ra.close(), rb.close()]);
  }
});

test('Redis unreachable: the message goes out anyway (fail open)', async (t) => {
  if (!available) return t.skip(`Redis not reachable at ${REDIS_URL}`);
  const dead = new Redis('redis://127.0.0.1:1', { connectTimeout: 300, maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  const outcomes: string[] = [];
  const r = replica(dead, outcomes);
  const before = slack.posts.length;
  try {
    r.notify({ ...outage, fingerprint: 'redis-down-case' });
    await r.idle();
    assert.deepEqual(outcomes, ['slack:sent']);
    assert.equal(slack.posts.length, before + 1);
  } finally {
    await r.close();
    dead.disconnect();
  }
});
