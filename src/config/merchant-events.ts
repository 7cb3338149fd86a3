/** Delivery of merchant events (signed webhooks to the merchants' endpoints). */
import { bool, int, secondsList, type Env } from './env.ts';

export interface MerchantEventsConfig {
  /** Seconds to wait before each retry; attempts = length + 1. */
  retryScheduleSeconds: number[];
  timeoutMs: number;
  /** http and private/loopback addresses allowed (the simulator's default: a developer's localhost). */
  allowPrivate: boolean;
  maxEndpointsPerMerchant: number;
  /** How long a rotated-out secret keeps signing beside the new one. */
  secretOverlapSeconds: number;
  /** An endpoint whose every attempt has failed for this long is disabled. */
  disableAfterSeconds: number;
  workerEnabled: boolean;
  pollIntervalMs: number;
  /** Attempts in flight per replica, and per endpoint within them (a slow endpoint holds only its share). */
  concurrency: number;
  perEndpointConcurrency: number;
}

/** `apiKey` null (no FeexPay account): private and http endpoints are allowed, a developer's localhost. */
export function merchantEventSettings(env: Env, apiKey: string | null): MerchantEventsConfig {
  return {
    // Close to Svix's schedule: 8 attempts over about 27.6 hours.
    retryScheduleSeconds: secondsList(env, 'MERCHANT_WEBHOOK_RETRY_SCHEDULE', '5,300,1800,7200,18000,36000,36000'),
    timeoutMs: int(env, 'MERCHANT_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    allowPrivate: bool(env, 'MERCHANT_WEBHOOK_ALLOW_PRIVATE', apiKey === null),
    maxEndpointsPerMerchant: int(env, 'MERCHANT_WEBHOOK_MAX_ENDPOINTS', 16, 1, 100),
    secretOverlapSeconds: int(env, 'MERCHANT_WEBHOOK_SECRET_OVERLAP_SECONDS', 86_400, 0, 7 * 86_400),
    disableAfterSeconds: int(env, 'MERCHANT_WEBHOOK_DISABLE_AFTER_SECONDS', 5 * 86_400, 1, 30 * 86_400),
    workerEnabled: bool(env, 'MERCHANT_WEBHOOK_WORKER_ENABLED', true),
    pollIntervalMs: int(env, 'MERCHANT_WEBHOOK_POLL_MS', 200, 10, 60_000),
    concurrency: int(env, 'MERCHANT_WEBHOOK_CONCURRENCY', 64, 1, 1000),
    perEndpointConcurrency: int(env, 'MERCHANT_WEBHOOK_PER_ENDPOINT_CONCURRENCY', 8, 1, 100),
  };
}
