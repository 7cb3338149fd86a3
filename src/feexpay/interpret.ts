/**
 * What an HTTP exchange with FeexPay means: every answer (or the lack of one) becomes one of the
 * closed result types of types.ts. Only an answer fully understood may say a payment succeeded or
 * failed; timeouts, 5xx and odd bodies are "unknown", so the payment stays pending and is asked
 * about again later. Error bodies are read as text first: some are HTML.
 */
import type { FailureReason } from '../domain/payment-status.ts';
import { parseCardInitAnswer, parseFeePreviewAnswer } from './card-fee-answers.ts';
import type { Exchange } from './http-exchange.ts';
import { errorSignalInText, parseRequestToPayAnswer, parseStatusAnswer } from './status.ts';
import type { CardInitResult, FeePreviewResult, RequestToPayResult, StatusResult, UnknownCause } from './types.ts';

/** What came back over the wire, before any interpretation. */
function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined || text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * A non-2xx answer, its body read as text first (some are HTML): a 4xx is a refusal (with the
 * SDK signal's reason when it carries one); a 5xx is unknown unless it says the operator is down.
 */
function refusalOf(httpStatus: number, text: string | undefined): FailureReason | undefined {
  const signal = errorSignalInText(text);
  if (httpStatus >= 400 && httpStatus < 500) return signal ?? 'provider_rejected';
  if (httpStatus >= 500 && signal === 'network_unavailable') return signal;
  return undefined;
}

function unknownOf(httpStatus: number): { cause: UnknownCause; httpStatus: number } {
  return { cause: httpStatus >= 500 ? 'server_error' : 'bad_response', httpStatus };
}

/** How a request that starts a collection can end without being accepted. */
type NotStarted =
  { kind: 'rejected'; httpStatus: number; reason: FailureReason; durationMs: number } | { kind: 'unknown'; cause: UnknownCause; httpStatus?: number; durationMs: number };

type Unusable = { kind: 'not_understood' } | { kind: 'refused'; reason: FailureReason };
const isRefused = (a: { kind: string }): a is { kind: 'refused'; reason: FailureReason } => a.kind === 'refused';

/**
 * The part request-to-pay and card init share: no answer, a non-2xx or a body `parse` does not
 * understand is unknown, a refusal is rejected; otherwise the parsed answer.
 */
function startAnswer<P extends { kind: string }>(
  ex: Exchange,
  durationMs: number,
  parse: (httpStatus: number, value: unknown) => P,
): { settled: NotStarted } | { answer: Exclude<P, Unusable> } {
  if (ex.kind === 'failed') return { settled: { kind: 'unknown', cause: ex.cause, durationMs } };
  const { httpStatus } = ex;
  if (httpStatus < 200 || httpStatus >= 300) {
    // Bad key, channel not configured, invalid body, operator down: FeexPay started nothing.
    const reason = refusalOf(httpStatus, ex.text);
    return { settled: reason ? { kind: 'rejected', httpStatus, reason, durationMs } : { kind: 'unknown', ...unknownOf(httpStatus), durationMs } };
  }
  const json = parseJson(ex.text);
  const answer = json.ok ? parse(httpStatus, json.value) : ({ kind: 'not_understood' } as const);
  if (answer.kind === 'not_understood') return { settled: { kind: 'unknown', cause: 'bad_response', httpStatus, durationMs } };
  if (isRefused(answer)) return { settled: { kind: 'rejected', httpStatus, reason: answer.reason, durationMs } };
  return { answer: answer as Exclude<P, Unusable> };
}

/** `allowHttp`: FeexPay is reached over plain http (a simulator), so its pages may be too. */
export function interpretRequestToPay(ex: Exchange, durationMs: number, allowHttp = false): RequestToPayResult {
  const r = startAnswer(ex, durationMs, (httpStatus, value) => parseRequestToPayAnswer(httpStatus, value, allowHttp));
  if ('settled' in r) return r.settled;
  const { kind: _kind, ...accepted } = r.answer;
  return { kind: 'accepted', ...accepted, durationMs };
}

export function interpretCardInit(ex: Exchange, durationMs: number, allowHttp = false): CardInitResult {
  const r = startAnswer(ex, durationMs, (_httpStatus, value) => parseCardInitAnswer(value, allowHttp));
  if ('settled' in r) return r.settled;
  return { kind: 'accepted', reference: r.answer.reference, paymentUrl: r.answer.paymentUrl, durationMs };
}

export function interpretFeePreview(ex: Exchange, amount: number, durationMs: number): FeePreviewResult {
  if (ex.kind === 'failed') return { kind: 'unavailable', cause: ex.cause, durationMs };
  const { httpStatus } = ex;
  if (httpStatus >= 400 && httpStatus < 500) return { kind: 'unavailable', cause: 'rejected', httpStatus, durationMs };
  if (httpStatus < 200 || httpStatus >= 300) return { kind: 'unavailable', ...unknownOf(httpStatus), durationMs };
  const json = parseJson(ex.text);
  const answer = json.ok ? parseFeePreviewAnswer(json.value, amount) : ({ kind: 'not_understood', why: 'not JSON' } as const);
  if (answer.kind === 'not_understood') return { kind: 'unavailable', cause: 'bad_response', httpStatus, durationMs };
  const { kind: _kind, ...preview } = answer;
  return { kind: 'ok', ...preview, durationMs };
}

export function interpretStatus(reference: string, ex: Exchange, durationMs: number): StatusResult {
  if (ex.kind === 'failed') return { kind: 'unavailable', cause: ex.cause, durationMs };
  const { httpStatus } = ex;
  if (httpStatus === 404) return { kind: 'not_found', durationMs };
  if (httpStatus < 200 || httpStatus >= 300) return { kind: 'unavailable', ...unknownOf(httpStatus), durationMs };
  const json = parseJson(ex.text);
  if (!json.ok) return { kind: 'unavailable', cause: 'bad_response', httpStatus, durationMs };
  const answer = parseStatusAnswer(reference, json.value);
  if (answer.kind === 'not_understood') return { kind: 'unavailable', cause: 'bad_response', httpStatus, durationMs };
  if (answer.kind === 'not_found') return { kind: 'not_found', durationMs };
  const { kind: _kind, ...found } = answer;
  return { kind: 'found', ...found, durationMs };
}
