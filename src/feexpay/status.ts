/**
 * Normalisation of FeexPay's answers: status words, failure reasons and the loose JSON shapes its
 * endpoints return (see shared/feexpay-api.md). Pure functions, no I/O, so every variant is covered
 * by a unit table (test/feexpay/status.test.ts). Anything not recognised here is "not understood":
 * the caller must then treat the outcome as unknown, never as a success.
 */
import type { FailureReason } from '../domain/payment-status.ts';
import type { AcceptedRequest, FeexPayStatus, FoundStatus } from './types.ts';

export interface NormalisedStatus {
  status: FeexPayStatus;
  /** Set when the status word itself says why (CANCELLED). */
  reason?: FailureReason;
}

// Keys are upper-cased with runs of spaces, dashes and underscores collapsed to one space.
const STATUS_WORDS: Record<string, NormalisedStatus> = {
  PENDING: { status: 'pending' },
  'IN PENDING STATE': { status: 'pending' },
  SUCCESSFUL: { status: 'successful' },
  SUCCESS: { status: 'successful' },
  FAILED: { status: 'failed' },
  CANCELLED: { status: 'failed', reason: 'cancelled' },
  CANCELED: { status: 'failed', reason: 'cancelled' },
};

const REASON_WORDS: Record<string, FailureReason> = {
  'LOW BALANCE OR PAYEE LIMIT REACHED OR NOT ALLOWED': 'insufficient_funds',
  'PAYER NOT FOUND': 'payer_not_found',
  CANCELLED: 'cancelled',
  CANCELED: 'cancelled',
};

// Status codes the FeexPay SDKs surface next to (or instead of) a reason string.
const SDK_CODES: Record<string, FailureReason> = {
  '10': 'insufficient_funds',
  '37': 'below_minimum',
  '92': 'cancelled',
  '555': 'invalid_number',
};

/** Reference or order id as FeexPay issues them (UUIDs, hex ids): also safe to put in a URL path. */
export const REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function word(value: string): string {
  return value.trim().toUpperCase().replace(/[\s_-]+/g, ' ');
}

export function normaliseStatus(raw: unknown): NormalisedStatus | undefined {
  if (typeof raw !== 'string') return undefined;
  return STATUS_WORDS[word(raw)];
}

/**
 * Maps FeexPay's `reason` string and/or SDK status code to our closed set. A known reason string
 * wins over a code; anything unrecognised is `unknown` (a failure we have not seen before).
 */
export function normaliseReason(reason: unknown, statusCode?: unknown): FailureReason {
  if (typeof reason === 'string' && reason.trim() !== '') {
    const fromWord = REASON_WORDS[word(reason)] ?? SDK_CODES[reason.trim()];
    if (fromWord) return fromWord;
  }
  if (typeof statusCode === 'number' || typeof statusCode === 'string') {
    const fromCode = SDK_CODES[String(statusCode).trim()];
    if (fromCode) return fromCode;
  }
  return 'unknown';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Some clients of FeexPay guard against a `{ data: {...} }` envelope: accept both. The envelope's own
 * `status` (if any) is not a payment status word, so the inner object is the answer.
 */
export function unwrap(body: unknown): Json | undefined {
  if (!isObject(body)) return undefined;
  if (isObject(body.data) && normaliseStatus(body.status) === undefined) return body.data;
  return body;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function referenceOf(value: unknown): string | undefined {
  const s = str(value);
  return s !== undefined && REFERENCE_PATTERN.test(s) ? s : undefined;
}

/** Whole amounts only: FeexPay sometimes sends numbers as strings, and sometimes nothing. */
export function amountOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function failureReason(body: Json, normalised: NormalisedStatus): FailureReason | undefined {
  if (normalised.status !== 'failed') return undefined;
  return normalised.reason ?? normaliseReason(body.reason, body.statusCode ?? body.status_code);
}

export type RequestToPayAnswer =
  | AcceptedRequest
  /** A refusal with no reference (HTTP 200 + FAILED): no collection was started. */
  | { kind: 'refused'; reason: FailureReason }
  | { kind: 'not_understood'; why: string };

function asksForOtp(httpStatus: number, body: Json): boolean {
  if (body.otp_required === true || body.otpRequired === true) return true;
  const message = str(body.message) ?? '';
  return httpStatus === 201 && /\botp\b/i.test(message);
}

/** Reads a 2xx answer of request-to-pay (already parsed as JSON). */
export function parseRequestToPayAnswer(httpStatus: number, raw: unknown): RequestToPayAnswer {
  const body = unwrap(raw);
  if (!body) return { kind: 'not_understood', why: 'not a JSON object' };
  const orderId = referenceOf(body.order_id);
  const reference = referenceOf(body.reference) ?? orderId;
  const paymentUrl = str(body.payment_url);
  const otpRequired = asksForOtp(httpStatus, body);

  let normalised = normaliseStatus(body.status);
  // Redirect and OTP answers may carry no status: the collection has started and waits for the customer.
  if (!normalised && body.status === undefined && (paymentUrl || otpRequired)) normalised = { status: 'pending' };
  if (!normalised) return { kind: 'not_understood', why: 'unrecognised status' };
  const reason = failureReason(body, normalised);

  if (!reference) {
    if (normalised.status === 'failed' && reason) return { kind: 'refused', reason };
    return { kind: 'not_understood', why: 'no reference' };
  }
  return {
    kind: 'accepted',
    reference,
    status: normalised.status,
    ...(reason ? { reason } : {}),
    ...(paymentUrl ? { paymentUrl } : {}),
    ...(orderId ? { orderId } : {}),
    ...(otpRequired ? { otpRequired } : {}),
  };
}

export type StatusAnswer =
  | FoundStatus
  | { kind: 'not_found' }
  | { kind: 'not_understood'; why: string };

const NOT_FOUND_MESSAGE = /not\s*found|introuvable|n'existe pas|does not exist/i;

/** Reads a 200 answer of the status endpoint for `asked` (the reference we queried). */
export function parseStatusAnswer(asked: string, raw: unknown): StatusAnswer {
  if (raw === null || (isObject(raw) && raw.data === null && raw.status === undefined)) return { kind: 'not_found' };
  const body = unwrap(raw);
  if (!body) return { kind: 'not_understood', why: 'not a JSON object' };
  const normalised = normaliseStatus(body.status);
  if (!normalised) {
    const message = str(body.message) ?? '';
    if (body.status === undefined && NOT_FOUND_MESSAGE.test(message)) return { kind: 'not_found' };
    return { kind: 'not_understood', why: 'unrecognised status' };
  }
  // An answer about another payment must never settle this one.
  const ids = [str(body.reference), str(body.order_id)].filter((v): v is string => v !== undefined);
  if (ids.length > 0 && !ids.includes(asked)) return { kind: 'not_understood', why: 'reference mismatch' };
  const reason = failureReason(body, normalised);
  const amount = amountOf(body.amount);
  const phoneNumber = digitsOf(body.phoneNumber ?? body.phone_number);
  const networkLabel = str(body.reseau);
  return {
    kind: 'found',
    reference: asked,
    status: normalised.status,
    ...(reason ? { reason } : {}),
    ...(amount !== undefined ? { amount } : {}),
    ...(phoneNumber !== undefined ? { phoneNumber } : {}),
    ...(networkLabel !== undefined ? { networkLabel } : {}),
    answer: withoutNames(body),
  };
}

/** FeexPay sends the phone number as a string or a JSON number. */
function digitsOf(value: unknown): string | undefined {
  const s = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : str(value);
  return s !== undefined && /^\d{6,20}$/.test(s) ? s : undefined;
}

const NAME_FIELDS = new Set(['first_name', 'last_name', 'email', 'firstName', 'lastName', 'name']);

/** Names and emails are never stored with a review item; the phone number is kept as its last 4 digits. */
function withoutNames(body: Json): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (NAME_FIELDS.has(k)) continue;
    if (k === 'phoneNumber' || k === 'phone_number') {
      out[k] = typeof v === 'string' || typeof v === 'number' ? `***${String(v).slice(-4)}` : null;
      continue;
    }
    out[k] = typeof v === 'string' ? v.slice(0, 200) : v;
  }
  return out;
}
