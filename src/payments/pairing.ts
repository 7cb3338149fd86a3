/**
 * Does what FeexPay said belong to this payment? A status answer is believed only when every
 * fact it gives (amount, phone number, network, our id echoed in callback_info) matches.
 */
import { CARD_NETWORK, NETWORK_INFO } from '../domain/networks.ts';
import type { ReviewCause } from '../domain/payment-status.ts';
import type { FoundStatus } from '../feexpay/types.ts';
import type { PaymentRow } from './repository.ts';

type Mismatch = Extract<ReviewCause, 'amount_mismatch' | 'phone_mismatch' | 'network_mismatch'>;

const label = (s: string) =>
  s
    .trim()
    .toUpperCase()
    .replace(/[\s_-]+/g, ' ');

/** For a payment (or payout) that holds the reference: the first fact FeexPay gives that disagrees with it. */
export function mismatchOf(p: Pick<PaymentRow, 'amount' | 'phone_number' | 'network'>, st: FoundStatus): Mismatch | undefined {
  if (st.amount !== undefined && st.amount !== Number(p.amount)) return 'amount_mismatch';
  if (st.phoneNumber !== undefined && st.phoneNumber !== p.phone_number) return 'phone_mismatch';
  // What FeexPay puts in `reseau` for a card is not known (docs/feexpay.md "Cards"): amount and phone decide.
  const expected = p.network === CARD_NETWORK ? undefined : NETWORK_INFO[p.network].legacyLabel;
  if (st.networkLabel !== undefined && expected !== undefined && label(st.networkLabel) !== label(expected)) return 'network_mismatch';
  return undefined;
}

/**
 * For a payment that does not hold the reference yet (named only by callback_info): the answer
 * must agree and must say something that ties it to this payment (amount or phone number), or
 * anyone holding one real reference could settle any pending payment with it.
 */
export function pairs(p: PaymentRow, st: FoundStatus): boolean {
  if (mismatchOf(p, st)) return false;
  const echoed = st.answer.callback_info;
  if (typeof echoed === 'string' && echoed !== '' && echoed !== p.id) return false;
  return st.amount !== undefined || st.phoneNumber !== undefined;
}
