/** The life of payments and payouts: the reconciler's schedule, idempotency, payout caps. */
import type { Config } from '../config.ts';
import { bool, ConfigError, int, str, type Env } from './env.ts';

export function reconcilerSettings(env: Env): Config['reconciler'] {
  return {
    enabled: bool(env, 'RECONCILER_ENABLED', true),
    intervalMs: int(env, 'RECONCILER_INTERVAL_MS', 5_000, 10, 600_000),
    firstCheckAfterMs: int(env, 'RECONCILE_AFTER_MS', 30_000, 0, 3_600_000),
    maxBackoffMs: int(env, 'RECONCILE_MAX_BACKOFF_MS', 600_000, 10, 86_400_000),
    deadlineMs: int(env, 'PAYMENT_DEADLINE_MS', 3_600_000, 100, 7 * 86_400_000),
    unavailableGraceMs: int(env, 'REVIEW_AFTER_UNAVAILABLE_MS', 3_600_000, 0, 7 * 86_400_000),
    lateCheckAfterMs: int(env, 'LATE_CHECK_AFTER_MS', 3_600_000, 1000, 86_400_000),
    batchSize: int(env, 'RECONCILER_BATCH_SIZE', 50, 1, 1000),
  };
}

/** `XOF=1000000,XAF=500000`: a cap per currency; a currency left out keeps its default. */
export function caps(env: Env, name: string, fallback: number): Record<'XOF' | 'XAF', number> {
  const out = { XOF: fallback, XAF: fallback };
  for (const part of str(env, name, '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(XOF|XAF)=(\d{1,15})$/.exec(part);
    if (!m) throw new ConfigError(name, `must look like XOF=1000000,XAF=1000000, got "${part}"`);
    out[m[1] as 'XOF' | 'XAF'] = Number(m[2]);
  }
  return out;
}

export function idempotencyTtlHours(env: Env): number {
  return int(env, 'IDEMPOTENCY_TTL_HOURS', 24, 24, 24 * 30);
}
