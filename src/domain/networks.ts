/**
 * Every mobile-money operator FeexPay serves, with what the service must know before it calls
 * FeexPay: the phone format of the operator's country, the currency, and how the customer
 * confirms (USSD push, a payment page to redirect to, or an OTP).
 * Source: docs/feexpay.md ("Operators" and "Collection flows").
 */

export const NETWORKS = [
  'mtn',
  'moov',
  'celtiis_bj',
  'coris',
  'togocom_tg',
  'moov_tg',
  'mtn_ci',
  'moov_ci',
  'orange_ci',
  'wave_ci',
  'orange_sn',
  'free_sn',
  'wave_sn',
  'moov_bf',
  'orange_bf',
  'wave_bf',
  'mtn_cg',
  'orange_ml',
  'mobicash_ml',
] as const;

export type Network = (typeof NETWORKS)[number];
export type Currency = 'XOF' | 'XAF';
export const CURRENCIES: readonly Currency[] = ['XOF', 'XAF'];

/**
 * How the customer approves: a USSD prompt on the phone, a FeexPay page (`redirect`), a code
 * FeexPay sends after a first request (`otp`, Coris), or a code the customer gets beforehand and
 * that goes in the only request (`otp_in_request`, Orange Senegal's #144#391#).
 */
export type ConfirmationFlow = 'ussd' | 'redirect' | 'otp' | 'otp_in_request';

export interface NetworkInfo {
  country: 'BJ' | 'TG' | 'CI' | 'SN' | 'BF' | 'CG' | 'ML';
  currency: Currency;
  /** Digits with the country code, no '+': what FeexPay expects in `phoneNumber`. */
  phone: RegExp;
  flow: ConfirmationFlow;
  /** The operator label of the legacy `requesttopay/integration` endpoint (`reseau`). */
  legacyLabel: string;
}

// Benin moved to 10-digit numbers starting 01 in 2024; FeexPay rejects the old 8-digit form.
const BJ = /^22901\d{8}$/;
const TG = /^228\d{8}$/;
const CI = /^225(01|05|07)\d{8}$/;
const SN = /^2217[05678]\d{7}$/;
const BF = /^226\d{8}$/;
const CG = /^2420[456]\d{7}$/;
const ML = /^223\d{8}$/;

export const NETWORK_INFO: Record<Network, NetworkInfo> = {
  mtn: { country: 'BJ', currency: 'XOF', phone: BJ, flow: 'ussd', legacyLabel: 'MTN' },
  moov: { country: 'BJ', currency: 'XOF', phone: BJ, flow: 'ussd', legacyLabel: 'MOOV' },
  celtiis_bj: { country: 'BJ', currency: 'XOF', phone: BJ, flow: 'ussd', legacyLabel: 'CELTIIS BJ' },
  coris: { country: 'BJ', currency: 'XOF', phone: BJ, flow: 'otp', legacyLabel: 'CORIS' },
  togocom_tg: { country: 'TG', currency: 'XOF', phone: TG, flow: 'ussd', legacyLabel: 'TOGOCOM TG' },
  moov_tg: { country: 'TG', currency: 'XOF', phone: TG, flow: 'ussd', legacyLabel: 'MOOV TG' },
  mtn_ci: { country: 'CI', currency: 'XOF', phone: /^22505\d{8}$/, flow: 'ussd', legacyLabel: 'MTN CI' },
  moov_ci: { country: 'CI', currency: 'XOF', phone: /^22501\d{8}$/, flow: 'redirect', legacyLabel: 'MOOV CI' },
  orange_ci: { country: 'CI', currency: 'XOF', phone: /^22507\d{8}$/, flow: 'redirect', legacyLabel: 'ORANGE CI' },
  wave_ci: { country: 'CI', currency: 'XOF', phone: CI, flow: 'redirect', legacyLabel: 'WAVE CI' },
  orange_sn: { country: 'SN', currency: 'XOF', phone: SN, flow: 'otp_in_request', legacyLabel: 'ORANGE SN' },
  free_sn: { country: 'SN', currency: 'XOF', phone: SN, flow: 'redirect', legacyLabel: 'FREE SN' },
  wave_sn: { country: 'SN', currency: 'XOF', phone: SN, flow: 'redirect', legacyLabel: 'WAVE SN' },
  moov_bf: { country: 'BF', currency: 'XOF', phone: BF, flow: 'redirect', legacyLabel: 'MOOV BF' },
  orange_bf: { country: 'BF', currency: 'XOF', phone: BF, flow: 'redirect', legacyLabel: 'ORANGE BF' },
  wave_bf: { country: 'BF', currency: 'XOF', phone: BF, flow: 'redirect', legacyLabel: 'WAVE BF' },
  mtn_cg: { country: 'CG', currency: 'XAF', phone: CG, flow: 'ussd', legacyLabel: 'MTN CG' },
  orange_ml: { country: 'ML', currency: 'XOF', phone: ML, flow: 'ussd', legacyLabel: 'ORANGE ML' },
  mobicash_ml: { country: 'ML', currency: 'XOF', phone: ML, flow: 'ussd', legacyLabel: 'MOBICASH ML' },
};

/** FeexPay's reported v2 limits for one collection, in whole currency units. */
export const AMOUNT_LIMITS = { min: 100, max: 2_000_000 } as const;

/** MTN refuses anything but letters, digits and spaces in the description. */
export const DESCRIPTION_PATTERN = /^[A-Za-z0-9 ]{1,100}$/;

/** A card payment's `network`: a card has no operator (its brand is the payment's `card_brand`). */
export const CARD_NETWORK = 'card';
/** Every value of a payment's `network`: the operators, and `card`. A bounded metric label. */
export const PAYMENT_NETWORKS = [...NETWORKS, CARD_NETWORK] as const;
export type PaymentNetwork = (typeof PAYMENT_NETWORKS)[number];

export function isNetwork(value: string): value is Network {
  return (NETWORKS as readonly string[]).includes(value);
}

/** Card brands FeexPay's card init accepts (`type_card`). */
export const CARD_BRANDS = ['VISA', 'MASTERCARD'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];
