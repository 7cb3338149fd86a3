/**
 * Normalisation of FeexPay's answers: status words, failure reasons and the loose JSON shapes its
 * endpoints return (see docs/feexpay.md). Pure functions, no I/O, so every variant is covered
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
  'UNKNOWN MOBILE NUMBER': 'payer_not_found',
  'NETWORK UNAVAILABLE': 'network_unavailable',
  'INVALID OTP': 'wrong_otp',
  'WRONG OTP': 'wrong_otp',
  'OTP INVALID': 'wrong_otp',
};

/**
 * Phrases the SDKs test for in `responsemsg` or `message` of an answer that carries no status
 * word: FeexPay's way of refusing on a 200. Matched inside longer messages too.
 */
const SIGNAL_PHRASES: readonly [string, FailureReason][] = [
  ['NETWORK UNAVAILABLE', 'network_unavailable'],
  ['UNKNOWN MOBILE NUMBER', 'payer_not_found'],
  ['INVALID OTP', 'wrong_otp'],
  ['WRONG OTP', 'wrong_otp'],
  ['OTP INVALID', 'wrong_otp'],
];

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
  return value
    .trim()
    .toUpperCase()
    .replace(/[\s_-]+/g, ' ');
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

function phraseIn(text: unknown): FailureReason | undefined {
  if (typeof text !== 'string') return undefined;
  const w = word(text);
  return SIGNAL_PHRASES.find(([phrase]) => w.includes(phrase))?.[1];
}

/** An SDK error signal in a body: `statusCode` 10/37/92/555, or a known phrase in `responsemsg`/`message`. */
export function errorSignal(body: Json): FailureReason | undefined {
  const code = body.statusCode ?? body.status_code;
  if (typeof code === 'number' || typeof code === 'string') {
    const fromCode = SDK_CODES[String(code).trim()];
    if (fromCode) return fromCode;
  }
  return phraseIn(body.responsemsg) ?? phraseIn(body.message) ?? phraseIn(body.reason);
}

/**
 * The signal in an answer read as text (FeexPay's error bodies are not always JSON): from the JSON
 * object when it parses, else from the raw text.
 */
export function errorSignalInText(text: string | undefined): FailureReason | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const body = unwrap(JSON.parse(text) as unknown);
    if (body) return errorSignal(body);
  } catch {
    // not JSON: look at the words themselves
  }
  return phraseIn(text.slice(0, 2000));
}

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

/**
 * A page FeexPay sends the customer to (redirect networks, cards): https only; plain http only
 * when FeexPay itself is reached over http (a simulator in development, never the real FeexPay).
 */
export function customerPageUrl(value: unknown, allowHttp: boolean): string | undefined {
  const s = str(value);
  if (!s || !URL.canParse(s)) return undefined;
  const { protocol } = new URL(s);
  return protocol === 'https:' || (allowHttp && protocol === 'http:') ? s : undefined;
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
  const reason = normalised.reason ?? normaliseReason(body.reason, body.statusCode ?? body.status_code);
  return reason === 'unknown' ? (errorSignal(body) ?? reason) : reason;
}

export type RequestToPayAnswer =
  | AcceptedRequest
  /** A refusal with no reference (HTTP 200 + FAILED): no collection was started. */
  | { kind: 'refused'; reason: FailureReason }
  | { kind: 'not_understood'; why: string };

/** HTTP 201 alone means "OTP required" (the body may be `{ reference }` only), unless it states a final status. */
function asksForOtp(httpStatus: number, body: Json, normalised: NormalisedStatus | undefined): boolean {
  if (normalised && normalised.status !== 'pending') return false;
  return httpStatus === 201 || body.otp_required === true || body.otpRequired === true;
}

/** Reads a 2xx answer of request-to-pay (already parsed as JSON). */
export function parseRequestToPayAnswer(httpStatus: number, raw: unknown, allowHttp = false): RequestToPayAnswer {
  const body = unwrap(raw);
  if (!body) return { kind: 'not_understood', why: 'not a JSON object' };
  const orderId = referenceOf(body.order_id);
  const reference = referenceOf(body.reference) ?? orderId;
  const paymentUrl = customerPageUrl(body.payment_url, allowHttp);
  // A page we would not send a customer to is not an answer we understand.
  if (str(body.payment_url) !== undefined && paymentUrl === undefined) return { kind: 'not_understood', why: 'unusable payment_url' };

  let normalised = normaliseStatus(body.status);
  // An SDK error signal with no status word is FeexPay refusing on a 200 (operator down, unknown number).
  const signal = normalised ? undefined : errorSignal(body);
  if (signal) normalised = { status: 'failed', reason: signal };
  const otpRequired = asksForOtp(httpStatus, body, normalised);
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

export type StatusAnswer = FoundStatus | { kind: 'not_found' } | { kind: 'not_understood'; why: string };

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
