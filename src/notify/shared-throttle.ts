/**
 * The throttle shared by every replica, in Redis. Each process still runs its own Throttle first
 * (cheap, bounded, works without Redis); what passes it asks Redis before going out, so N replicas
 * seeing the same outage send one message per window and per hourly cap between them, not N.
 * Repeats another replica held back are counted in Redis and reported by the next message sent.
 * Redis unreachable: the message goes out (fail open), as an alert lost is worse than a duplicate.
 */
import type { Redis } from 'ioredis';

export interface SharedClaim {
  send: boolean;
  /** Repeats held back by any replica since the last message that went out. */
  heldElsewhere: number;
}

export interface SharedThrottle {
  claim(fingerprint: string): Promise<SharedClaim>;
}

const HOUR_MS = 3_600_000;
const HELD_TTL_MS = 24 * HOUR_MS;

/**
 * Atomic in Redis: KEYS fingerprint, held counter, hour bucket; ARGV window ms, cap, held TTL.
 * Returns -1 when held back (counted), or the held count reported with the message now sent.
 */
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCR', KEYS[2]); redis.call('PEXPIRE', KEYS[2], ARGV[3]); return -1
end
local sent = redis.call('INCR', KEYS[3])
if sent == 1 then redis.call('PEXPIRE', KEYS[3], 2 * 3600000) end
if sent > tonumber(ARGV[2]) then
  redis.call('INCR', KEYS[2]); redis.call('PEXPIRE', KEYS[2], ARGV[3]); return -1
end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
local held = tonumber(redis.call('GET', KEYS[2]) or '0')
redis.call('DEL', KEYS[2])
return held
`;

export interface RedisThrottleOptions {
  windowMs: number;
  maxPerHour: number;
  /** Key namespace; several deployments may share one Redis. Default "feexpay:notify:". */
  prefix?: string;
  /** Clock for the hourly bucket (tests). */
  now?: () => number;
}

export function createRedisThrottle(redis: Redis, opts: RedisThrottleOptions): SharedThrottle {
  const prefix = opts.prefix ?? 'feexpay:notify:';
  const now = opts.now ?? Date.now;
  return {
    async claim(fingerprint) {
      const hour = Math.floor(now() / HOUR_MS);
      const keys = [`${prefix}sent:${fingerprint}`, `${prefix}held:${fingerprint}`, `${prefix}hour:${hour}`];
      const held = Number(await redis.eval(CLAIM, keys.length, ...keys, opts.windowMs, opts.maxPerHour, HELD_TTL_MS));
      return held < 0 ? { send: false, heldElsewhere: 0 } : { send: true, heldElsewhere: held };
    },
  };
}
