/** A payment's life: pending, then exactly one terminal state. The database enforces it too. */
export const PAYMENT_STATUSES = ['pending', 'successful', 'failed', 'expired'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type TerminalStatus = Exclude<PaymentStatus, 'pending'>;

export const TRANSITION_SOURCES = ['api', 'webhook', 'reconciler'] as const;
export type TransitionSource = (typeof TRANSITION_SOURCES)[number];

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
  'unknown', // FAILED with a reason we have not seen
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export function isTerminal(status: PaymentStatus): status is TerminalStatus {
  return status !== 'pending';
}
