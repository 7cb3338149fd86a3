/**
 * The events a merchant can subscribe to, one per terminal or review transition, written by the
 * database triggers of migrations 004/007 (payments) and 008 (payouts).
 */
export const PAYMENT_EVENT_TYPES = ['payment.succeeded', 'payment.failed', 'payment.expired', 'payment.needs_review'] as const;
export const PAYOUT_EVENT_TYPES = ['payout.succeeded', 'payout.failed', 'payout.needs_review'] as const;
export const EVENT_TYPES = [...PAYMENT_EVENT_TYPES, ...PAYOUT_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** In enabled_events, every type present and future. */
export const ALL_EVENTS = '*';

export const EVENT_DESCRIPTIONS: Record<EventType, string> = {
  'payment.succeeded': 'The customer paid: FeexPay confirmed the payment as successful.',
  'payment.failed': 'The payment failed (failure_reason says why); no money moved.',
  'payment.expired': 'No final answer came before the payment deadline; no money moved.',
  'payment.needs_review': 'FeexPay gave an answer that cannot be trusted as is; an operator will settle it.',
  'payout.succeeded': 'FeexPay confirmed the payout: the money reached the beneficiary.',
  'payout.failed': 'FeexPay stated the payout failed (failure_reason says why); no money left.',
  'payout.needs_review': "The payout's outcome could not be established from FeexPay; an operator will settle it. Do not resend it meanwhile.",
};

export const isPayoutEvent = (type: string): boolean => type.startsWith('payout.');
