/**
 * Probes. Liveness is cheap and never touches a dependency (a database outage must not get every
 * pod restarted). Readiness says whether this process can take traffic: an overloaded one (load
 * shedding, plugins/external/load-shedding.ts) cannot, so the balancer sends its traffic elsewhere
 * until it recovers, but it is alive: restarting it would lose its work. Each dependency is
 * reported, bounded in time, and a failed check says why (the error code, or that nothing
 * answered in time); none of them makes the process unready. The database is shared by every
 * replica: failing readiness on it took every pod out of the Service at once, so clients got the
 * edge's own 503 page (no JSON, no Retry-After) instead of the service's `service_unavailable`,
 * FeexPay's callbacks got it too, and "no replica available" paged beside the database's own
 * alerts for one incident. A pod that cannot reach the database at start never becomes ready: the
 * start itself waits for the database (DATABASE_START_TIMEOUT_MS) and exits without it. Redis
 * down is reported with where the rate limits are counted meanwhile (this process).
 */
import type { FastifyPluginAsync } from 'fastify';

const CHECK_TIMEOUT_MS = 2_000;

async function timed<T>(work: Promise<T>): Promise<{ ok: true; ms: number } | { ok: false; ms: number; error: string }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, ms: Date.now() - started };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, ms: Date.now() - started, error: code ?? (err as Error).message.slice(0, 100) };
  } finally {
    clearTimeout(timer);
  }
}

const health: FastifyPluginAsync = async (app) => {
  app.get('/health/live', { logLevel: 'warn', schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { logLevel: 'warn', schema: { hide: true } }, async (_req, reply) => {
    const database = await timed(app.db.raw('SELECT 1'));
    const redis = app.redis ? await timed(app.redis.ping()) : null;
    const feexpay = app.feexpayHealth();
    const overloaded = app.isUnderPressure();
    const usage = app.loadUsage();
    reply.status(overloaded ? 503 : 200);
    return {
      // degraded: ready, answering what needs the database with 503 service_unavailable meanwhile.
      status: overloaded ? 'not_ready' : database.ok ? 'ready' : 'degraded',
      checks: {
        database: { status: database.ok ? 'up' : 'down', ...database, required: false },
        ...(redis
          ? { redis: { status: redis.ok ? 'up' : 'down', ...redis, required: false, rate_limits: app.rateCounters.mode === 'redis' && redis.ok ? 'shared' : 'this_process' } }
          : {}),
        feexpay: { ...feexpay, required: false },
        load: {
          status: overloaded ? 'overloaded' : 'ok',
          event_loop_delay_ms: usage.eventLoopDelayMs,
          heap_used_bytes: usage.heapUsedBytes,
          rss_bytes: usage.rssBytes,
        },
      },
    };
  });
};

export default health;
