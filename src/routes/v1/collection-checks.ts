/**
 * What POST /v1/payments checks before anything is stored or sent, beyond the schema: the fields
 * each flow takes or needs (Orange SN's code, redirect URLs, a card's brand), the operator's phone
 * format and currency, and the operator's settings (maintenance, limits). Every refusal names the
 * field; an operator in maintenance answers 503 with Retry-After, before any call to FeexPay.
 */
import type { FastifyReply } from 'fastify';
import { CARD_NETWORK, NETWORK_INFO } from '../../domain/networks.ts';
import type { CreatePaymentInput } from '../../payments/create-payment.ts';
import type { ServiceMetrics } from '../../metrics/service-metrics.ts';
import type { NetworkSettingsStore } from '../../payments/network-settings-store.ts';
import { ApiError, fieldError as bad } from '../../plugins/app/errors.ts';
import type { CreatePaymentBody } from '../../schemas/payment.ts';

/** Long enough not to hammer a network in maintenance, short enough to notice its return. */
export const MAINTENANCE_RETRY_AFTER_S = 300;

function checkReturnUrls(body: CreatePaymentBody, allowed: boolean, who: string): void {
  for (const field of ['return_url', 'cancel_url'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (!allowed) throw bad('field_not_accepted', `body.${field}`, `is only taken by redirect networks, not by ${who}`);
    if (!URL.canParse(value) || new URL(value).protocol !== 'https:') throw bad('invalid_url', `body.${field}`, 'must be an https URL');
  }
}

export interface CollectionCheckDeps {
  settings: NetworkSettingsStore;
  metrics: ServiceMetrics;
  /** Test-mode traffic stays out of the metrics, as everywhere. */
  livemode: boolean;
}

export async function checkCollection(body: CreatePaymentBody, deps: CollectionCheckDeps, reply: FastifyReply): Promise<CreatePaymentInput> {
  if (body.method === 'card') {
    if (!body.card_brand) throw bad('card_brand_required', 'body.card_brand', 'is required with method card (VISA or MASTERCARD)');
    if (body.network !== undefined) throw bad('field_not_accepted', 'body.network', 'must be left out with method card');
    if (body.otp !== undefined) throw bad('field_not_accepted', 'body.otp', 'is not taken with method card');
    // FeexPay's card init takes no return address (docs/feexpay.md "Cards").
    checkReturnUrls(body, false, 'cards');
    return { ...body, network: CARD_NETWORK };
  }
  const { network } = body;
  if (network === undefined) throw bad('network_required', 'body.network', 'is required (or method card with body.card_brand)');
  if (body.card_brand !== undefined) throw bad('field_not_accepted', 'body.card_brand', 'is only taken with method card');
  const info = NETWORK_INFO[network];
  if (!info.phone.test(body.phone_number)) {
    throw bad('invalid_phone_number', 'body.phone_number', `is not a valid ${network} number (country code ${info.country}, digits only)`);
  }
  if (body.currency !== info.currency) throw bad('currency_mismatch', 'body.currency', `must be ${info.currency} for ${network}`);
  if (info.flow === 'otp_in_request' && body.otp === undefined) {
    throw bad('otp_required', 'body.otp', `is required for ${network}: the customer dials #144#391# for a code`);
  }
  if (info.flow !== 'otp_in_request' && body.otp !== undefined) {
    const where = info.flow === 'otp' ? `; for ${network} send it to POST /v1/payments/{id}/otp once the payment asks for it` : '';
    throw bad('field_not_accepted', 'body.otp', `is not taken by ${network} on create${where}`);
  }
  checkReturnUrls(body, info.flow === 'redirect', network);

  const setting = await deps.settings.get(network);
  if (!setting.enabled) {
    if (deps.livemode) deps.metrics.paymentsRefusedBeforeFeexPay.inc({ network, reason: 'maintenance' });
    reply.header('retry-after', String(MAINTENANCE_RETRY_AFTER_S));
    throw new ApiError(503, 'network_unavailable', `${network} is in maintenance: no payment was created; retry later`);
  }
  if (body.amount < setting.minAmount || body.amount > setting.maxAmount) {
    if (deps.livemode) deps.metrics.paymentsRefusedBeforeFeexPay.inc({ network, reason: 'amount_out_of_range' });
    throw bad('amount_out_of_range', 'body.amount', `must be between ${setting.minAmount} and ${setting.maxAmount} for ${network}`);
  }
  return { ...body, network };
}
