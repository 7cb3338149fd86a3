/**
 * @fastify/rate-limit, not global: routes attach `app.rateLimit(...)` hooks where they need
 * them (per API key on the merchant API, per client on the admin area). Counters live in Redis
 * when REDIS_URL is set, so every replica shares them, and in this process while Redis is away
 * (shared-counters.ts): a limit is never switched off by an outage.
 *
 * Two limits are taken by hand rather than per request: the per-phone quota (`phoneQuota`),
 * which the payment path takes only for a request that will push a prompt to a phone, and failed
 * authentications per client (`authFailures`), counted only when a credential is refused.
 */
import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { ApiError } from '../app/errors.ts';
import { SharedCounters } from './shared-counters.ts';

export interface RateLimitPluginOptions {
  redisUrl: string | null;
  perPhonePerHour: number;
  authFailuresPer15Min: number;
}

export interface PhoneQuotaTicket {
  allowed: boolean;
  /** The answer to give when not allowed (429 with Retry-After). */
  refusal: ApiError | null;
  /** Gives the prompt back: the request was counted but no prompt went out. */
  refund(): Promise<void>;
}

export interface AuthFailureLimiter {
  /** Throws a 429 when this client has failed too often lately. */
  check(req: FastifyRequest): Promise<void>;
  record(req: FastifyRequest): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | null;
    rateCounters: SharedCounters;
    /** Takes one prompt from the phone's hourly quota (test mode has a quota of its own). */
    phoneQuota: (phoneNumber: string, livemode: boolean) => Promise<PhoneQuotaTicket>;
    authFailures: AuthFailureLimiter;
  }
}

const HOUR_MS = 3_600_000;
const AUTH_WINDOW_MS = 15 * 60_000;
const NAMESPACE = 'feexpay-gateway:rl:';

// ioredis is loaded only with REDIS_URL: about 2 MB of heap a single replica does not need.
async function connectRedis(url: string, log: { warn: (o: object, m: string) => void; info: (o: object, m: string) => void }): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    connectTimeout: 2_000,
    // A command Redis does not answer (a silent network) fails after this and the request is
    // counted locally: a rate limit must never hold a request up.
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Reconnect for ever, backing off to 2 s: recovery needs no restart.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Without a listener ioredis prints "[ioredis] Unhandled error event" lines that are not JSON.
  let down = false;
  redis.on('error', (err: NodeJS.ErrnoException) => {
    if (down) return;
    down = true;
    log.warn({ event: 'redis.error', reason: err.code ?? err.message.slice(0, 120) }, 'Redis connection failed; reconnecting');
  });
  redis.on('ready', () => {
    if (down) log.info({ event: 'redis.ready' }, 'Redis connection restored');
    down = false;
  });
  return redis;
}

export default fp<RateLimitPluginOptions>(
  async (app, opts) => {
    const log = app.log.child({ component: 'rate-limit' });
    const redis = opts.redisUrl ? await connectRedis(opts.redisUrl, log) : null;
    if (redis) {
      app.addHook('onClose', async () => {
        await redis.quit().catch(() => redis.disconnect());
      });
    }
    const counters = new SharedCounters(redis, NAMESPACE, log);

    // The plugin's store interface, over the shared counters (which never fail: they fall back).
    class CountersStore {
      incr(key: string, cb: (err: Error | null, res?: { current: number; ttl: number }) => void, timeWindow = 60_000): void {
        counters.incr(key, timeWindow).then(
          (c) => cb(null, { current: c.current, ttl: c.ttlMs }),
          (err: Error) => cb(err),
        );
      }
      child(): CountersStore {
        return this;
      }
    }

    await app.register(rateLimit, {
      global: false,
      store: CountersStore,
      errorResponseBuilder: (_req, ctx) => ({
        statusCode: ctx.statusCode,
        code: 'rate_limited',
        message: `Rate limit exceeded: ${ctx.max} requests per ${ctx.after}.`,
      }),
    });

    app.decorate('phoneQuota', async (phoneNumber: string, livemode: boolean): Promise<PhoneQuotaTicket> => {
      // A test run never eats the quota that protects a real person's phone.
      const key = `phone:${livemode ? '' : 'test:'}` + createHash('sha256').update(phoneNumber).digest('hex');
      const max = opts.perPhonePerHour;
      const count = await counters.incr(key, HOUR_MS);
      if (count.current <= max) return { allowed: true, refusal: null, refund: () => counters.decr(key) };
      // A refused request takes nothing: the quota counts prompts sent, not attempts.
      await counters.decr(key);
      const retryAfter = String(Math.max(1, Math.ceil(count.ttlMs / 1000)));
      return {
        allowed: false,
        refusal: new ApiError(429, 'rate_limited', `Too many payment requests to this phone number: at most ${max} per hour.`, { 'retry-after': retryAfter }),
        refund: async () => undefined,
      };
    });

    const authKey = (req: FastifyRequest) => 'auth-fail:' + req.ip;
    app.decorate('authFailures', {
      async check(req: FastifyRequest) {
        const count = await counters.peek(authKey(req));
        if (count.current >= opts.authFailuresPer15Min) {
          throw new ApiError(429, 'rate_limited', `Too many failed authentications from this client: retry in ${Math.ceil(count.ttlMs / 1000)} s.`, {
            'retry-after': String(Math.max(1, Math.ceil(count.ttlMs / 1000))),
          });
        }
      },
      async record(req: FastifyRequest) {
        await counters.incr(authKey(req), AUTH_WINDOW_MS);
      },
    });
    app.decorate('redis', redis);
    app.decorate('rateCounters', counters);
  },
  { name: 'rate-limit' },
);
