/** Settings of the FeexPay simulator, with defaults tuned for a demo (tests shorten the delays). */

export type DownMode = 'off' | '503' | 'hang';

export interface SimulatorOptions {
  /** The only key accepted as `Authorization: Bearer ...`; must look like a FeexPay key (fp_ + 64). */
  apiKey?: string;
  /** When set, request-to-pay with another `shop` is refused (400). */
  shopId?: string;
  /** Where final states are posted; may be set later (setWebhookUrl) once the receiver listens. */
  webhookUrl?: string;
  /** Time a payment stays PENDING before its scenario's final state. */
  settleDelayMs?: number;
  /** Scenario 05: how long request-to-pay takes to answer. Longer than a usual 30 s client timeout. */
  slowResponseMs?: number;
  /** Scenario 11: how many status calls answer 500 before the endpoint recovers. */
  statusErrorCount?: number;
  /** Webhook deliveries per final state when the receiver keeps answering non-2xx. */
  webhookAttempts?: number;
  webhookRetryIntervalMs?: number;
  webhookTimeoutMs?: number;
  /** Scenario 09: how many times the same webhook is delivered. */
  webhookDuplicates?: number;
  /** Bound on remembered payments; the oldest are forgotten first. */
  maxPayments?: number;
  /** Serve the /_simulator control API (tests, demos). */
  control?: boolean;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'shopId' | 'webhookUrl'>> & Pick<SimulatorOptions, 'shopId' | 'webhookUrl'>;

/** A well-formed but obviously fake key, so `npm start` with no FeexPay account works out of the box. */
export const SIMULATOR_DEFAULT_API_KEY = `fp_${'simulator0'.repeat(6)}test`;
export const SIMULATOR_DEFAULT_SHOP_ID = 'simshop00000001';

export const API_KEY_PATTERN = /^fp_[A-Za-z0-9]{64}$/;

export function resolveOptions(opts: SimulatorOptions = {}): ResolvedOptions {
  const apiKey = opts.apiKey ?? SIMULATOR_DEFAULT_API_KEY;
  if (!API_KEY_PATTERN.test(apiKey)) {
    throw new Error('simulator apiKey must be "fp_" followed by 64 letters or digits');
  }
  return {
    apiKey,
    shopId: opts.shopId,
    webhookUrl: opts.webhookUrl,
    settleDelayMs: opts.settleDelayMs ?? 3000,
    slowResponseMs: opts.slowResponseMs ?? 35_000,
    statusErrorCount: opts.statusErrorCount ?? 3,
    webhookAttempts: opts.webhookAttempts ?? 3,
    webhookRetryIntervalMs: opts.webhookRetryIntervalMs ?? 2000,
    webhookTimeoutMs: opts.webhookTimeoutMs ?? 10_000,
    webhookDuplicates: opts.webhookDuplicates ?? 3,
    maxPayments: opts.maxPayments ?? 100_000,
    control: opts.control ?? true,
  };
}
