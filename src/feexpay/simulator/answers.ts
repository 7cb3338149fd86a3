/** Bodies the simulator answers with: FeexPay's status shapes, and the control API's view of a payment. */
import type { SimPayment } from './store.ts';

/** Scenario 07: what a proxy or an error page in front of FeexPay might send with a 200. */
export const GARBAGE = '<html><head><title>FeexPay</title></head><body>Request received</body></html>';

/** What a status answer is made of: a payment's fields, or a payout's (payouts.ts). */
export type StatusSubject = Pick<SimPayment, 'reference' | 'network' | 'phoneNumber' | 'amount' | 'callbackInfo' | 'createdAt' | 'scenario' | 'status' | 'reason' | 'label'>;

/** The amount FeexPay reports for a payment: what was asked, unless the scenario makes it lie. */
export function reportedAmount(p: StatusSubject): number {
  return p.amount + (p.scenario.reportedAmountDelta ?? 0);
}

/** The status endpoint's answer; it echoes the phone number, as FeexPay does. */
export function statusBody(p: StatusSubject): Record<string, unknown> {
  if (p.scenario.variantShape) {
    const status = p.status === 'SUCCESSFUL' ? 'SUCCESS' : p.status === 'PENDING' ? 'IN PENDING STATE' : p.status;
    return { data: { reference: p.reference, status, phone_number: p.phoneNumber, reason: p.reason } };
  }
  return {
    reference: p.reference,
    order_id: p.reference,
    amount: reportedAmount(p),
    status: p.status,
    phoneNumber: p.phoneNumber,
    reason: p.reason,
    callback_info: p.callbackInfo,
    reseau: p.label,
    type: 'Paiement',
    date: p.createdAt.toISOString(),
  };
}

export interface PaymentView {
  reference: string;
  network: SimPayment['network'];
  scenario: string;
  status: SimPayment['status'];
  reason: string;
  amount: number;
  callbackInfo: string;
  awaitingOtp: boolean;
  awaitingCustomer: boolean;
  createdAt: string;
  statusCalls: number;
  webhookAttempts: number;
  webhooksDelivered: number;
}

export function view(p: SimPayment): PaymentView {
  return {
    reference: p.reference,
    network: p.network,
    scenario: p.scenario.code,
    status: p.status,
    reason: p.reason,
    amount: p.amount,
    callbackInfo: p.callbackInfo,
    awaitingOtp: p.awaitingOtp,
    awaitingCustomer: p.awaitingCustomer,
    createdAt: p.createdAt.toISOString(),
    statusCalls: p.statusCalls,
    webhookAttempts: p.webhookAttempts,
    webhooksDelivered: p.webhooksDelivered,
  };
}
