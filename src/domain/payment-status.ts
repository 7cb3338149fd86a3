/**
 * A payment's life: `pending`, then `successful`, `failed` or `expired` (final), or `needs_review`
 * when the service cannot establish what FeexPay did; a review ends `successful` or `failed`
 * (FeexPay's confirmed answer or an operator's decision). The database enforces it too
 * (migration 003).
 */
export const PAYMENT_STATUSES = ['pending', 'successful', 'failed', 'expired', 'needs_review'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type FinalStatus = 'successful' | 'failed' | 'expired';
/** Where a payment may go from `pending`. */
export type SettledStatus = Exclude<PaymentStatus, 'pending'>;

export const TRANSITION_SOURCES = ['api', 'webhook', 'reconciler', 'operator'] as const;
export type TransitionSource = (typeof TRANSITION_SOURCES)[number];

/** The statuses a payment may move to from `from`: the same table as the database trigger. */
export const ALLOWED_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['successful', 'failed', 'expired', 'needs_review'],
  needs_review: ['successful', 'failed'],
  successful: [],
  failed: [],
  expired: [],
};

/**
 * Why a payment failed, reduced to a small fixed set so it can be a metric label and a filter.
 * FeexPay's raw `reason` strings and SDK status codes map onto these (see feexpay/status.ts).
 */
export const FAILURE_REASONS = [
  'insufficient_funds', // LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED, code 10
  'payer_not_found', // PAYER_NOT_FOUND, PAYER NOT FOUND
  'below_minimum', // code 37
  'cancelled', // CANCELLED, code 92 (USSD session expired or cancelled)
  'invalid_number', // code 555
  'network_unavailable', // "Network Unavailable": the operator is down; a final refusal, retry later
  'wrong_otp', // the customer's code was refused (Coris, Orange SN)
  'provider_rejected', // FeexPay refused the request itself (4xx: bad key, channel not configured)
  'operator_decision', // an operator closed a payment under review as failed
  'unknown', // FAILED with a reason we have not seen
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * Why a payment or a FeexPay answer needs a person. Bounded: it is a metric label.
 * - no_reference: the request may have reached FeexPay (timeout, 5xx, garbage), no reference
 *   ever came back and the deadline passed: the customer may have paid.
 * - amount_mismatch, phone_mismatch, network_mismatch: FeexPay's status for the payment's
 *   reference disagrees with the payment.
 * - reference_not_found: FeexPay disowns a reference it issued for the payment.
 * - status_unavailable: FeexPay's status endpoint never answered usably up to the review deadline.
 * - contradictory_answers: FeexPay confirmed an outcome other than the one it stated before.
 * - late_success: FeexPay confirmed success for a payment already expired.
 * - unknown_payment: FeexPay confirmed a status for a reference no payment holds, with our id.
 */
export const REVIEW_CAUSES = [
  'no_reference',
  'amount_mismatch',
  'phone_mismatch',
  'network_mismatch',
  'reference_not_found',
  'status_unavailable',
  'contradictory_answers',
  'late_success',
  'unknown_payment',
] as const;
export type ReviewCause = (typeof REVIEW_CAUSES)[number];

/** Review causes that mean money may have been taken for a payment the merchant saw closed. */
export const MONEY_AT_RISK_CAUSES: readonly ReviewCause[] = ['late_success', 'contradictory_answers'];

export function isFinal(status: PaymentStatus): status is FinalStatus {
  return status === 'successful' || status === 'failed' || status === 'expired';
}
