/** The public shape of a payment. The phone number and customer details never leave the service. */
import type { PaymentViewType } from '../schemas/payment.ts';
import type { PaymentRow } from './repository.ts';

const iso = (d: Date | string) => new Date(d).toISOString();

export function presentPayment(p: PaymentRow): PaymentViewType {
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
    // Rows written before test mode (and event snapshots of them) are live.
    livemode: p.livemode ?? true,
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
