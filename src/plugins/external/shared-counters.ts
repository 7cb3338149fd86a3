/**
 * Windowed counters for the rate limits: in Redis while it answers, so every replica counts
 * together, and in this process while it does not. A Redis outage therefore keeps every limit in
 * force (each replica counting on its own, so at most the limit times the replicas get through)
 * instead of turning the limits off; when Redis answers again its counters take over by themselves.
 */
import type { Redis } from 'ioredis';

export interface Count {
  current: number;
  ttlMs: number;
}

interface Logger {
  warn: (obj: object, msg: string) => void;
  info: (obj: object, msg: string) => void;
}

// INCRBY, with the window set by the request that opens it; answers the count and the time left.
const INCR_LUA = `
local current = redis.call('INCRBY', KEYS[1], ARGV[2])
if current == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}`;
// A refund never creates a key, nor takes a count below zero.
const DECR_LUA = `
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if v > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

const LOCAL_MAX_KEYS = 100_000;
const RETRY_AFTER_FAILURE_MS = 1_000;

type RedisWithScripts = Redis & {
  counterIncr(key: string, windowMs: number, by: number): Promise<[number, number]>;
  counterDecr(key: string): Promise<number>;
};

const FIRST_CONNECT_GRACE_MS = 5_000;
/** ioredis's states before a connection is usable (not 'end' or 'close', which follow a loss). */
const CONNECTING = new Set(['wait', 'connecting', 'connect', 'reconnecting']);

export class SharedCounters {
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private readonly redis: RedisWithScripts | null;
  private usingFallback = false;
  /** After a failure Redis is tried again only from then on: a silent Redis costs one timeout a second, not one per request. */
  private retryAt = 0;
  /**
   * A client still making its first connection is not an outage: until it has been ready once,
   * or FIRST_CONNECT_GRACE_MS have passed, requests are counted here without the fallback warning
   * (every start logged one, and its recovery, for a Redis that was merely being connected to).
   */
  private everReady = false;
  private readonly firstConnectUntil: number;

  constructor(
    redis: Redis | null,
    private readonly prefix: string,
    private readonly log: Logger,
    firstConnectGraceMs = FIRST_CONNECT_GRACE_MS,
  ) {
    this.firstConnectUntil = Date.now() + firstConnectGraceMs;
    if (redis) {
      redis.defineCommand('counterIncr', { numberOfKeys: 1, lua: INCR_LUA });
      redis.defineCommand('counterDecr', { numberOfKeys: 1, lua: DECR_LUA });
      redis.on('ready', () => {
        this.everReady = true;
        this.retryAt = 0;
        this.recovered();
      });
    }
    this.redis = redis as RedisWithScripts | null;
  }

  /** Where the counts are kept right now. */
  get mode(): 'redis' | 'local' {
    return this.redis && !this.usingFallback && this.redis.status === 'ready' ? 'redis' : 'local';
  }

  private redisUsable(): boolean {
    if (!this.redis) return false;
    if (this.redis.status !== 'ready') {
      const firstConnect = !this.everReady && Date.now() < this.firstConnectUntil && CONNECTING.has(this.redis.status);
      if (!firstConnect) this.fellBack(new Error(`redis is ${this.redis.status}`));
      return false;
    }
    return Date.now() >= this.retryAt;
  }

  async incr(key: string, windowMs: number, by = 1): Promise<Count> {
    if (this.redisUsable()) {
      try {
        const [current, ttlMs] = await this.redis!.counterIncr(this.prefix + key, windowMs, by);
        this.recovered();
        return { current, ttlMs };
      } catch (err) {
        this.fellBack(err);
      }
    }
    return this.incrLocal(key, windowMs, by);
  }

  /** The count without adding to it (0 when nothing was counted in the window). */
  async peek(key: string): Promise<Count> {
    if (this.redisUsable()) {
      try {
        const [value, ttlMs] = await Promise.all([this.redis!.get(this.prefix + key), this.redis!.pttl(this.prefix + key)]);
        this.recovered();
        return { current: Number(value ?? 0), ttlMs: Math.max(0, ttlMs) };
      } catch (err) {
        this.fellBack(err);
      }
    }
    const hit = this.local.get(key);
    const now = Date.now();
    return hit && hit.resetAt > now ? { current: hit.count, ttlMs: hit.resetAt - now } : { current: 0, ttlMs: 0 };
  }

  /** Gives one back (a request that was counted but did not, in the end, use what is limited). */
  async decr(key: string): Promise<void> {
    if (this.redisUsable()) {
      try {
        await this.redis!.counterDecr(this.prefix + key);
        return;
      } catch (err) {
        this.fellBack(err);
      }
    }
    const hit = this.local.get(key);
    if (hit && hit.count > 0) hit.count -= 1;
  }

  private incrLocal(key: string, windowMs: number, by: number): Count {
    const now = Date.now();
    let hit = this.local.get(key);
    if (!hit || hit.resetAt <= now) {
      if (this.local.size >= LOCAL_MAX_KEYS) this.sweep(now);
      hit = { count: 0, resetAt: now + windowMs };
      this.local.set(key, hit);
    }
    hit.count += by;
    return { current: hit.count, ttlMs: hit.resetAt - now };
  }

  private sweep(now: number): void {
    for (const [k, v] of this.local) if (v.resetAt <= now) this.local.delete(k);
    // Still full of live windows: drop the oldest, a bounded memory matters more than one count.
    for (const k of this.local.keys()) {
      if (this.local.size < LOCAL_MAX_KEYS) break;
      this.local.delete(k);
    }
  }

  private fellBack(err: unknown): void {
    this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
    if (this.usingFallback) return;
    this.usingFallback = true;
    const e = err as { code?: string; message?: string };
    this.log.warn(
      { event: 'rate_limit.fallback', reason: e.code ?? e.message?.slice(0, 120) },
      'Redis unavailable: rate limits are counted in this process until it answers again',
    );
  }

  private recovered(): void {
    if (!this.usingFallback) return;
    this.usingFallback = false;
    this.local.clear();
    this.log.info({ event: 'rate_limit.shared' }, 'Redis answers again: rate limits are shared by every replica');
  }
}
