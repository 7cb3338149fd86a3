/**
 * What FeexPay refuses before anything is started (docs/feexpay.md), checked as strictly as it
 * does: a number in its operator's format (Benin's 10 digits after 229, no Togo number on `mtn`),
 * a whole amount within limits, the shop, and on MTN a description of letters, digits and spaces.
 */
import { AMOUNT_LIMITS, CARD_BRANDS, CURRENCIES, DESCRIPTION_PATTERN, NETWORK_INFO, type Network } from '../../domain/networks.ts';
import { wholeNumber } from './request-body.ts';

function commonProblems(body: Record<string, unknown>, shopId: string | undefined): string | undefined {
  const amount = wholeNumber(body.amount);
  if (amount === undefined) return 'amount must be an integer';
  if (amount < AMOUNT_LIMITS.min || amount > AMOUNT_LIMITS.max) return `amount must be between ${AMOUNT_LIMITS.min} and ${AMOUNT_LIMITS.max}`;
  if (typeof body.shop !== 'string' || body.shop === '') return 'shop is required';
  if (shopId !== undefined && body.shop !== shopId) return 'shop not found';
  if (typeof body.callback_info !== 'string' && body.callback_info !== undefined) return 'callback_info must be a string';
  return undefined;
}

/** Request-to-pay; undefined when the body is acceptable. */
export function requestToPayProblem(network: Network, body: Record<string, unknown>, shopId: string | undefined): string | undefined {
  const info = NETWORK_INFO[network];
  const phone = body.phoneNumber;
  if (typeof phone !== 'string' || !/^\d{8,15}$/.test(phone)) return 'phoneNumber must be digits with the country code';
  if (!info.phone.test(phone)) return `phoneNumber is not a ${info.legacyLabel} number`;
  const description = body.description;
  if (description !== undefined && typeof description !== 'string') return 'description must be a string';
  if (info.legacyLabel.startsWith('MTN') && description && !DESCRIPTION_PATTERN.test(description)) {
    return 'description: MTN accepts letters, digits and spaces only';
  }
  return commonProblems(body, shopId);
}

/** Card init; undefined when the body is acceptable. */
export function cardInitProblem(body: Record<string, unknown>, shopId: string | undefined): string | undefined {
  if (typeof body.phone !== 'string' || !/^\d{8,15}$/.test(body.phone)) return 'phone must be digits with the country code';
  if (!(CARD_BRANDS as readonly unknown[]).includes(body.type_card)) return `type_card must be one of ${CARD_BRANDS.join(', ')}`;
  if (!(CURRENCIES as readonly unknown[]).includes(body.currency)) return `currency must be one of ${CURRENCIES.join(', ')}`;
  return commonProblems(body, shopId);
}

export const OTP_PATTERN = /^\d{4,8}$/;
/** The one code the simulator refuses as wrong; any other 4 to 8 digits are accepted. */
export const WRONG_OTP = '000000';
