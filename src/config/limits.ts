/** What the service takes on: rate limits per key, phone and client, and load shedding. */
import v8 from 'node:v8';
import type { Config } from '../config.ts';
import { int, type Env } from './env.ts';

/** When the service answers 503 `overloaded` instead of taking more work (0 turns a bound off). */
export interface LoadSheddingConfig {
  /** Mean event loop delay over one sample above which requests are shed. */
  maxEventLoopDelayMs: number;
  /** V8 heap in use above which requests are shed. */
  maxHeapUsedBytes: number;
  /** Resident memory above which requests are shed. */
  maxRssBytes: number;
  /** How often the loop delay and memory are sampled. */
  sampleIntervalMs: number;
  /** The Retry-After of a shed request. */
  retryAfterSeconds: number;
}

export function rateLimitSettings(env: Env): Config['rateLimit'] {
  return {
    perKeyPerMinute: int(env, 'RATE_LIMIT_PER_KEY_PER_MINUTE', 6000, 1, 1_000_000),
    perPhonePerHour: int(env, 'RATE_LIMIT_PER_PHONE_PER_HOUR', 10, 1, 10_000),
    authFailuresPer15Min: int(env, 'RATE_LIMIT_AUTH_FAILURES_PER_15_MIN', 20, 1, 100_000),
  };
}

const MB = 1024 * 1024;

/**
 * Sheds at a mean loop delay of 1 s (every request then waits that long before its first line
 * runs), and at 90% of V8's heap limit, before the heap runs out and the process dies with every
 * request in flight. Resident memory has no default bound: the container's limit is not known here.
 */
export function loadShedding(env: Env): LoadSheddingConfig {
  const heapLimitMb = Math.floor(v8.getHeapStatistics().heap_size_limit / MB);
  return {
    maxEventLoopDelayMs: int(env, 'LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS', 1_000, 0, 60_000),
    maxHeapUsedBytes: int(env, 'LOAD_SHED_MAX_HEAP_USED_MB', Math.floor(heapLimitMb * 0.9), 0, 1_048_576) * MB,
    maxRssBytes: int(env, 'LOAD_SHED_MAX_RSS_MB', 0, 0, 1_048_576) * MB,
    sampleIntervalMs: int(env, 'LOAD_SHED_SAMPLE_INTERVAL_MS', 1_000, 10, 60_000),
    retryAfterSeconds: int(env, 'LOAD_SHED_RETRY_AFTER_SECONDS', 10, 1, 3_600),
  };
}
