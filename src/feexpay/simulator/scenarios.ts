/**
 * The outcome of a simulated payment is chosen by the caller through the last two digits of the
 * phone number, so tests and demos need no extra API. The table is documented in README.md; keep
 * both in step.
 */

export type FinalStatus = 'SUCCESSFUL' | 'FAILED' | 'CANCELLED';

export interface Scenario {
  code: string;
  name: string;
  /** Final state reached after the settle delay; none = stays PENDING. */
  final?: { status: FinalStatus; reason: string };
  /** Request-to-pay answers 200 with the final state straight away. */
  immediate?: boolean;
  /** Request-to-pay answers only after `slowResponseMs`. */
  slow?: boolean;
  /** Request-to-pay answers 500 and creates nothing. */
  serverError?: boolean;
  /** Request-to-pay answers 200 with a non-JSON body; the payment exists anyway. */
  garbage?: boolean;
  webhook: 'once' | 'never' | 'duplicates';
  /** The status endpoint answers 500 for the first `statusErrorCount` calls. */
  statusErrors?: boolean;
  /** The status endpoint uses the variant shapes seen in the wild (SUCCESS, { data }, phone_number, no amount). */
  variantShape?: boolean;
  /** Request-to-pay answers 200 with this SDK error signal (no status word, no reference) and creates nothing. */
  signal?: Record<string, string>;
  /** The status endpoint and the webhook report this much more than was asked (a lying or buggy FeexPay). */
  reportedAmountDelta?: number;
  /** The final state comes this many settle delays late (after a short payment deadline: a late success). */
  settleDelayFactor?: number;
}

const LOW_BALANCE = 'LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED';
const success = { status: 'SUCCESSFUL', reason: '' } as const;

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  '00': { code: '00', name: 'success after the settle delay', final: success, webhook: 'once' },
  '01': { code: '01', name: 'failed: low balance', final: { status: 'FAILED', reason: LOW_BALANCE }, webhook: 'once' },
  '02': { code: '02', name: 'failed: payer not found', final: { status: 'FAILED', reason: 'PAYER_NOT_FOUND' }, webhook: 'once' },
  '03': { code: '03', name: 'HTTP 200 with status FAILED at once', final: { status: 'FAILED', reason: LOW_BALANCE }, immediate: true, webhook: 'once' },
  '04': { code: '04', name: 'pending forever', webhook: 'never' },
  '05': { code: '05', name: 'slow answer, then success', final: success, slow: true, webhook: 'once' },
  '06': { code: '06', name: 'HTTP 500, no payment created', serverError: true, webhook: 'never' },
  '07': { code: '07', name: 'garbage 200 answer, payment created and succeeds', final: success, garbage: true, webhook: 'once' },
  '08': { code: '08', name: 'success, webhook never sent', final: success, webhook: 'never' },
  '09': { code: '09', name: 'success, webhook sent several times', final: success, webhook: 'duplicates' },
  '10': { code: '10', name: 'cancelled by the customer', final: { status: 'CANCELLED', reason: '' }, webhook: 'once' },
  '11': { code: '11', name: 'success, status endpoint answers 500 for a while', final: success, statusErrors: true, webhook: 'once' },
  '12': { code: '12', name: 'success, status in variant shapes', final: success, variantShape: true, webhook: 'once' },
  '13': { code: '13', name: 'failed: payer not found, spelled with spaces', final: { status: 'FAILED', reason: 'PAYER NOT FOUND' }, webhook: 'once' },
  // FeexPay's refusals on a 200 as its SDKs test for them: nothing is created.
  '14': { code: '14', name: 'SDK signal: statusCode 10, insufficient funds', signal: { statusCode: '10', message: 'Insufficient funds' }, webhook: 'never' },
  '15': { code: '15', name: 'SDK signal: statusCode 37, below the operator minimum', signal: { statusCode: '37', message: 'Amount below the minimum' }, webhook: 'never' },
  '16': { code: '16', name: 'SDK signal: statusCode 92, USSD session expired', signal: { statusCode: '92', message: 'Session expired' }, webhook: 'never' },
  '17': { code: '17', name: 'SDK signal: statusCode 555, invalid Moov number', signal: { statusCode: '555', message: 'Invalid number' }, webhook: 'never' },
  '18': { code: '18', name: 'SDK signal: UNKNOWN MOBILE NUMBER', signal: { responsemsg: 'UNKNOWN MOBILE NUMBER' }, webhook: 'never' },
  '19': { code: '19', name: 'SDK signal: Network Unavailable (operator down)', signal: { message: 'Network Unavailable' }, webhook: 'never' },
  '90': { code: '90', name: 'success reported with another amount', final: success, reportedAmountDelta: 1, webhook: 'once' },
  '91': { code: '91', name: 'late success: SUCCESSFUL only after 20 settle delays', final: success, settleDelayFactor: 20, webhook: 'once' },
};

export function scenarioFor(phoneNumber: string): Scenario {
  return SCENARIOS[phoneNumber.slice(-2)] ?? (SCENARIOS['00'] as Scenario);
}
