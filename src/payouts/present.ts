/** The public shape of a payout. The beneficiary's number never leaves the service, only its last 4 digits. */
import type { PayoutViewType } from '../schemas/payout.ts';
import type { PayoutRow } from './repository.ts';

const iso = (d: Date | string) => new Date(d).toISOString();

export function presentPayout(p: PayoutRow): PayoutViewType {
  return {
    id: p.id,
    object: 'payout',
    status: p.status,
    amount: Number(p.amount),
    currency: p.currency,
    network: p.network,
    phone_last4: p.phone_number.slice(-4),
    livemode: p.livemode,
    motif: p.motif,
    metadata: p.metadata ?? {},
    feexpay_reference: p.feexpay_reference,
    failure_reason: p.failure_reason,
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
    settled_at: p.settled_at ? iso(p.settled_at) : null,
  };
}
