/**
 * The boundary between the service and FeexPay. The client (client.ts) turns FeexPay's loose HTTP
 * answers into these closed types; nothing past this file sees a raw FeexPay body.
 */
import type { CardBrand, Currency, Network } from '../domain/networks.ts';
import type { FailureReason } from '../domain/payment-status.ts';

export type FeexPayStatus = 'pending' | 'successful' | 'failed';

export interface RequestToPayInput {
  network: Network;
  /** Digits with country code, no '+'. */
  phoneNumber: string;
  amount: number;
  description?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  /** Echoed back by FeexPay in the webhook: we send our payment id. */
  callbackInfo: string;
  /** The customer's code: Orange SN's in the only request, Coris's in the second. */
  otp?: string;
  /** Coris's second request: the reference FeexPay gave the first (the one that answered 201). */
  reference?: string;
  /** Redirect networks: where FeexPay's page sends the customer back (https). */
  returnUrl?: string;
  cancelUrl?: string;
}

/** Which request-to-pay path to speak (docs/feexpay.md "Which collection path"). */
export const COLLECTION_PATHS = ['integration', 'per_operator'] as const;
export type CollectionPath = (typeof COLLECTION_PATHS)[number];

export interface CardInitInput {
  brand: CardBrand;
  amount: number;
  currency: Currency;
  phoneNumber: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  callbackInfo: string;
}

/** Why FeexPay's answer does not tell us whether the customer was charged. */
export type UnknownCause = 'timeout' | 'network' | 'server_error' | 'bad_response';

/**
 * FeexPay took the request: it has a reference, and maybe already a final status. Read from the
 * body by status.ts; the client adds how long the call took.
 */
export interface AcceptedRequest {
  kind: 'accepted';
  reference: string;
  status: FeexPayStatus;
  reason?: FailureReason;
  paymentUrl?: string;
  orderId?: string;
  otpRequired?: boolean;
}

/**
 * FeexPay knows the payment: what its status endpoint said about it. The amount, phone number and
 * network label are there to be compared with the payment before the status is believed to be its.
 */
export interface FoundStatus {
  kind: 'found';
  reference: string;
  status: FeexPayStatus;
  reason?: FailureReason;
  amount?: number;
  /** Digits only, as FeexPay echoes it (`phoneNumber` or `phone_number`, string or number). */
  phoneNumber?: string;
  /** The operator label (`reseau`), e.g. "MTN", "CELTIIS BJ". */
  networkLabel?: string;
  /** The answer as FeexPay sent it, less names and email, for the review item an operator reads. */
  answer: Record<string, unknown>;
}

export type RequestToPayResult =
  | (AcceptedRequest & { durationMs: number })
  /** FeexPay refused the request outright (4xx): no collection was started. */
  | { kind: 'rejected'; httpStatus: number; reason: FailureReason; durationMs: number }
  /** The request may or may not have reached the operator: the payment must stay pending. */
  | { kind: 'unknown'; cause: UnknownCause; httpStatus?: number; durationMs: number };

export type CardInitResult =
  | { kind: 'accepted'; reference: string; paymentUrl: string; durationMs: number }
  | { kind: 'rejected'; httpStatus: number; reason: FailureReason; durationMs: number }
  | { kind: 'unknown'; cause: UnknownCause; httpStatus?: number; durationMs: number };

/** FeexPay's fee preview: what the customer pays in total for `amount`. */
export type FeePreviewResult =
  | { kind: 'ok'; amount: number; fees: number; total: number; customerPaysFees: boolean; durationMs: number }
  | { kind: 'unavailable'; cause: UnknownCause | 'rejected'; httpStatus?: number; durationMs: number };

export type StatusResult =
  (FoundStatus & { durationMs: number }) | { kind: 'not_found'; durationMs: number } | { kind: 'unavailable'; cause: UnknownCause; httpStatus?: number; durationMs: number };

export const FEEXPAY_OPERATIONS = ['request_to_pay', 'status', 'card_init', 'fee_preview', 'payout', 'payout_status'] as const;
export type FeexPayOperation = (typeof FEEXPAY_OPERATIONS)[number];
export type CallOutcome = 'ok' | 'failed' | 'timeout' | 'error';

export interface FeexPayClient {
  requestToPay(input: RequestToPayInput): Promise<RequestToPayResult>;
  getStatus(reference: string): Promise<StatusResult>;
  initCard(input: CardInitInput): Promise<CardInitResult>;
  feePreview(network: Network, amount: number): Promise<FeePreviewResult>;
}

/** Told of every call, so the service can record metrics without the client knowing about them. */
export type CallObserver = (operation: FeexPayOperation, outcome: CallOutcome, seconds: number) => void;

/** FeexPay for a payment's mode: live payments reach FeexPay, test payments only the built-in simulator. */
export type FeexPayFor = (livemode: boolean) => FeexPayClient;
