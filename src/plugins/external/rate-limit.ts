/**
 * @fastify/rate-limit, not global: routes attach `app.rateLimit(...)` hooks where they need
 * them (per API key on the merchant API, per destination phone on payment creation). Counters
 * live in Redis when REDIS_URL is set, so every replica shares them.
 */
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';

export interface RateLimitPluginOptions {
  redisUrl: string | null;
}

export default fp<RateLimitPluginOptions>(
  async (app, opts) => {
    let redis: Redis | undefined;
    if (opts.redisUrl) {
      redis = new Redis(opts.redisUrl, { connectTimeout: 2_000, maxRetriesPerRequest: 1, enableOfflineQueue: false });
      app.addHook('onClose', async () => {
        await redis?.quit().catch(() => undefined);
      });
    }
    await app.register(rateLimit, {
      global: false,
      redis,
      nameSpace: 'feexpay-gateway:rl:',
      // A Redis outage must not stop payments: fail open, the database still guards idempotency.
      skipOnError: true,
      errorResponseBuilder: (_req, ctx) => ({
        statusCode: ctx.statusCode,
        code: 'rate_limited',
        message: `Rate limit exceeded: ${ctx.max} requests per ${ctx.after}.`,
      }),
    });
    app.decorate('redis', redis ?? null);
  },
  { name: 'rate-limit' },
);

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | null;
  }
}
