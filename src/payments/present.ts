/** The public shape of a payment. The phone number and customer details never leave the service. */
import type { NextAction } from './collect.ts';
import type { PaymentRow } from './repository.ts';

export interface PaymentView {
  id: string;
  object: 'payment';
  status: PaymentRow['status'];
  amount: number;
  currency: string;
  network: string;
  method: PaymentRow['method'];
  card_brand: PaymentRow['card_brand'];
  phone_last4: string;
  description: string | null;
  metadata: Record<string, string>;
  feexpay_reference: string | null;
  payment_url: string | null;
  next_action: NextAction | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
  settled_at: string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function presentPayment(p: PaymentRow): PaymentView {
  return {
    id: p.id,
    object: 'payment',
    status: p.status,
    amount: Number(p.amount),
    currency: p.currency,
    network: p.network,
    method: p.method ?? 'mobile_money',
    card_brand: p.card_brand ?? null,
    phone_last4: p.phone_number.slice(-4),
    description: p.description,
    metadata: p.metadata ?? {},
    feexpay_reference: p.feexpay_reference,
    payment_url: p.payment_url,
    // Only a pending payment waits for the customer.
    next_action: p.status === 'pending' ? (p.next_action ?? null) : null,
    failure_reason: p.failure_reason,
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
    settled_at: p.settled_at ? iso(p.settled_at) : null,
  };
}
