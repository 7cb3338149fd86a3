/**
 * FeexPay's fee preview (`POST /api/transactions/details`), with the customer fees FeexPay's SDKs
 * show (docs/feexpay.md "Fee preview"): Benin 1.7%, Côte d'Ivoire 2.9% (Wave 3.2%), Burkina Moov
 * 3.2% and Orange 3.9%, Congo 3%, Senegal 1.9%, Togo 3%, cards 4.5%. Mali is not listed: 3% here.
 */
import { CARD_BRANDS, NETWORKS, NETWORK_INFO, type Network } from '../../domain/networks.ts';
import type { SimAnswer } from './engine.ts';
import { wholeNumber } from './request-body.ts';

const BY_COUNTRY = { BJ: 0.017, CI: 0.029, SN: 0.019, TG: 0.03, CG: 0.03, BF: 0.032, ML: 0.03 } as const;
const BY_NETWORK: Partial<Record<Network, number>> = { wave_ci: 0.032, orange_bf: 0.039, wave_bf: 0.032 };
const CARD_RATE = 0.045;

const RATES = new Map<string, number>([
  ...NETWORKS.map((n): [string, number] => [NETWORK_INFO[n].legacyLabel, BY_NETWORK[n] ?? BY_COUNTRY[NETWORK_INFO[n].country]]),
  ...CARD_BRANDS.map((b): [string, number] => [b, CARD_RATE]),
]);

/** Fees are rounded up to the whole unit, so a total never undercharges. */
export function feeFor(label: string, amount: number): number | undefined {
  const rate = RATES.get(label);
  return rate === undefined ? undefined : Math.ceil(amount * rate);
}

export function feePreviewAnswer(body: Record<string, unknown>): SimAnswer | 'unknown_label' {
  const amount = wholeNumber(body.amount);
  const label = typeof body.reseau === 'string' ? body.reseau : '';
  const fees = feeFor(label, amount ?? 0);
  if (fees === undefined) return 'unknown_label';
  if (amount === undefined || amount <= 0) return { httpStatus: 400, json: { message: 'amount must be a positive integer' } };
  if (typeof body.shop !== 'string' || body.shop === '') return { httpStatus: 400, json: { message: 'shop is required' } };
  return { httpStatus: 200, json: { iffees: true, amount, total: amount + fees, message: 'Frais calculés' } };
}
