/**
 * Reading FeexPay's card init and fee preview answers (docs/feexpay.md "Cards", "Fee preview").
 * Pure functions beside status.ts, covered by the same unit table; anything not recognised is
 * "not understood", never a success.
 */
import type { FailureReason } from '../domain/payment-status.ts';
import { amountOf, customerPageUrl as pageUrl, errorSignal, normaliseReason, normaliseStatus, REFERENCE_PATTERN } from './status.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const ref = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== undefined && REFERENCE_PATTERN.test(s) ? s : undefined;
};

export type CardInitAnswer = { kind: 'accepted'; reference: string; paymentUrl: string } | { kind: 'refused'; reason: FailureReason } | { kind: 'not_understood'; why: string };

/** Success is `status` SUCCESSFUL/SUCCESS/200 with `data.url` (or `url`); the reference is polled like any payment's. */
export function parseCardInitAnswer(raw: unknown, allowHttp = false): CardInitAnswer {
  if (!isObject(raw)) return { kind: 'not_understood', why: 'not a JSON object' };
  const data = isObject(raw.data) ? raw.data : {};
  const word = normaliseStatus(raw.status);
  const ok = word?.status === 'successful' || raw.status === 200 || raw.status === '200';
  if (!ok) {
    const signal = errorSignal(raw);
    if (word?.status === 'failed' || signal) return { kind: 'refused', reason: signal ?? normaliseReason(raw.reason, raw.statusCode) };
    return { kind: 'not_understood', why: 'unrecognised status' };
  }
  const paymentUrl = pageUrl(data.url, allowHttp) ?? pageUrl(raw.url, allowHttp);
  const reference = ref(raw.reference) ?? ref(data.reference);
  if (!paymentUrl) return { kind: 'not_understood', why: 'no card page url' };
  if (!reference) return { kind: 'not_understood', why: 'no reference' };
  return { kind: 'accepted', reference, paymentUrl };
}

export type FeePreviewAnswer = { kind: 'ok'; amount: number; fees: number; total: number; customerPaysFees: boolean } | { kind: 'not_understood'; why: string };

/** `{ iffees, amount, total, message }`: `iffees` says whether the customer pays the fees on top. */
export function parseFeePreviewAnswer(raw: unknown, asked: number): FeePreviewAnswer {
  if (!isObject(raw)) return { kind: 'not_understood', why: 'not a JSON object' };
  const body = isObject(raw.data) && raw.total === undefined ? raw.data : raw;
  const amount = amountOf(body.amount) ?? asked;
  const total = amountOf(body.total);
  if (total === undefined || total < amount) return { kind: 'not_understood', why: 'no total' };
  if (amount !== asked) return { kind: 'not_understood', why: 'amount mismatch' };
  const customerPaysFees = body.iffees === true || body.iffees === 'true' || body.iffees === 1;
  return { kind: 'ok', amount, fees: total - amount, total, customerPaysFees };
}
