/**
 * A payout's life: `pending` once FeexPay has been asked to send the money, then `successful` or
 * `failed` as FeexPay states it, or `needs_review` when the service cannot establish what FeexPay
 * did (no reference, timeout, 5xx, an answer that does not fit); a review ends `successful` or
 * `failed`. There is no `expired`: money sent out is never assumed not sent. The database
 * enforces the same table (migration 006).
 *
 * Which operators FeexPay pays out to, by which path, and its limits: docs/payouts.md.
 */
import type { Network } from './networks.ts';

export const PAYOUT_STATUSES = ['pending', 'successful', 'failed', 'needs_review'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];
export type PayoutSettledStatus = Exclude<PayoutStatus, 'pending'>;

export const PAYOUT_SOURCES = ['api', 'reconciler', 'operator'] as const;
export type PayoutSource = (typeof PAYOUT_SOURCES)[number];

export const PAYOUT_TRANSITIONS: Readonly<Record<PayoutStatus, readonly PayoutStatus[]>> = {
  pending: ['successful', 'failed', 'needs_review'],
  needs_review: ['successful', 'failed'],
  successful: [],
  failed: [],
};

/**
 * FeexPay's payout path for each operator it pays out to. MTN and Moov Benin share the global
 * transfer, told apart by `network` in the body; Togo's two operators share one path too.
 * Orange BF and Wave BF are left out: FeexPay reportedly asks the beneficiary for an OTP there,
 * a flow this API does not offer yet. Coris has no payout path.
 */
export const PAYOUT_PATHS = {
  mtn: 'transfer/global',
  moov: 'transfer/global',
  celtiis_bj: 'celtiis_bj',
  togocom_tg: 'togo',
  moov_tg: 'togo',
  mtn_ci: 'mtn_ci',
  orange_ci: 'orange_ci',
  moov_ci: 'moov_ci',
  wave_ci: 'wave_ci',
  orange_sn: 'orange_sn',
  free_sn: 'free_sn',
  wave_sn: 'wave_sn',
  mtn_cg: 'mtn_cg',
  moov_bf: 'moov_bf',
  orange_ml: 'orange_ml',
  mobicash_ml: 'mobicash_ml',
} as const satisfies Partial<Record<Network, string>>;

export type PayoutNetwork = keyof typeof PAYOUT_PATHS;
export const PAYOUT_NETWORKS = Object.keys(PAYOUT_PATHS) as PayoutNetwork[];

export function isPayoutNetwork(n: string): n is PayoutNetwork {
  return Object.hasOwn(PAYOUT_PATHS, n);
}

/** FeexPay's reported payout limits, in whole currency units: 50 minimum in Benin, 100 elsewhere. */
export const PAYOUT_LIMITS = { minBenin: 50, min: 100, max: 100_000 } as const;

export function payoutMinimum(country: string): number {
  return country === 'BJ' ? PAYOUT_LIMITS.minBenin : PAYOUT_LIMITS.min;
}

/** FeexPay's `motif`: 30 characters at most, letters, digits and spaces only. */
export const MOTIF_PATTERN = /^[A-Za-z0-9 ]{1,30}$/;

/** What an API key may do. */
export const API_SCOPES = ['payments', 'payouts'] as const;
export type ApiScope = (typeof API_SCOPES)[number];
