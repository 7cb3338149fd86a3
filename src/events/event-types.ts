/**
 * The events a merchant can subscribe to. Payment events are written by the database trigger of
 * migration 004 (one per terminal or review transition); payout events are reserved for payouts.
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
  'payout.succeeded': 'Reserved for payouts.',
  'payout.failed': 'Reserved for payouts.',
  'payout.needs_review': 'Reserved for payouts.',
};
