/**
 * How a new payment is put to FeexPay, by method: a phone's operator gets request-to-pay (with
 * the redirect URLs or the customer's code when its flow takes them), a card gets the card init.
 * Both come back as one RequestToPayResult, so creation records them the same way; and the step
 * the customer must take next is read from it in the one `next_action` shape of the API.
 */
import type { CardBrand, Network } from '../domain/networks.ts';
import type { FeexPayClient, RequestToPayResult } from '../feexpay/types.ts';
import type { NextAction } from '../schemas/collection.ts';
import type { PaymentRow } from './repository.ts';

/** Stripe's shape: what the merchant must have the customer do before the payment can move. */
export type { NextAction };

export interface CollectionInput {
  method?: 'mobile_money' | 'card';
  card_brand?: CardBrand;
  description?: string;
  customer?: { first_name?: string; last_name?: string; email?: string };
  otp?: string;
  return_url?: string;
  cancel_url?: string;
}

export async function startCollection(client: FeexPayClient, payment: PaymentRow, input: CollectionInput): Promise<RequestToPayResult> {
  const customer = { firstName: input.customer?.first_name, lastName: input.customer?.last_name, email: input.customer?.email };
  if (input.method === 'card' && input.card_brand) {
    const card = await client.initCard({
      brand: input.card_brand,
      amount: Number(payment.amount),
      currency: payment.currency,
      phoneNumber: payment.phone_number,
      callbackInfo: payment.id,
      ...customer,
    });
    return card.kind === 'accepted' ? { kind: 'accepted', reference: card.reference, status: 'pending', paymentUrl: card.paymentUrl, durationMs: card.durationMs } : card;
  }
  return client.requestToPay({
    network: payment.network as Network,
    phoneNumber: payment.phone_number,
    amount: Number(payment.amount),
    description: input.description,
    callbackInfo: payment.id,
    otp: input.otp,
    returnUrl: input.return_url,
    cancelUrl: input.cancel_url,
    ...customer,
  });
}

/** The customer's next step from FeexPay's answer; none once the payment is final. */
export function nextActionOf(result: RequestToPayResult): NextAction | null {
  if (result.kind !== 'accepted' || result.status !== 'pending') return null;
  if (result.otpRequired) return { type: 'otp_required' };
  if (result.paymentUrl) return { type: 'redirect_to_url', url: result.paymentUrl };
  return null;
}
