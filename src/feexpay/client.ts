/**
 * HTTP client for FeexPay's collection API. It turns every answer (or the lack of one) into the
 * closed result types of types.ts. The rule it follows: only an answer we fully understand may
 * say a payment succeeded or failed; timeouts, 5xx and odd bodies are "unknown", so the payment
 * stays pending and the reconciler asks again later.
 */
import { performance } from 'node:perf_hooks';
import type { FailureReason } from '../domain/payment-status.ts';
import { NETWORK_INFO } from '../domain/networks.ts';
import { createExchange, type Exchange } from './http-exchange.ts';
import { parseRequestToPayAnswer, parseStatusAnswer, REFERENCE_PATTERN } from './status.ts';
import type {
  CallObserver,
  CallOutcome,
  FeexPayClient,
  FeexPayOperation,
  RequestToPayInput,
  RequestToPayResult,
  StatusResult,
  UnknownCause,
} from './types.ts';

type LogFn = (obj: Record<string, unknown>, msg?: string) => void;
export interface ClientLogger {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  debug: LogFn;
}

export interface FeexPayClientOptions {
  baseUrl: string;
  apiKey: string;
  shopId: string;
  /** Request-to-pay can block until the customer confirms: integrators use 30 to 120 s. */
  requestTimeoutMs: number;
  statusTimeoutMs: number;
  logger?: ClientLogger;
  observe?: CallObserver;
}

// FeexPay answers are small; a huge body is not a FeexPay answer and must not fill our memory.
const MAX_BODY_BYTES = 64 * 1024;

/** What came back over the wire, before any interpretation. */
function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined || text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function createFeexPayClient(opts: FeexPayClientOptions): FeexPayClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const exchange = createExchange({
    baseUrl: base,
    headers: { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json' },
    maxBodyBytes: MAX_BODY_BYTES,
  });

  function report(
    operation: FeexPayOperation,
    outcome: CallOutcome,
    durationMs: number,
    fields: Record<string, unknown>,
  ): void {
    opts.observe?.(operation, outcome, durationMs / 1000);
    const line = { feexpay: true, operation, outcome, durationMs: Math.round(durationMs), ...fields };
    const log = opts.logger;
    if (!log) return;
    if (outcome === 'ok') log.info(line, 'feexpay call');
    else if (outcome === 'failed') log.warn(line, 'feexpay call failed');
    else if (fields.cause === 'bad_response') log.error(line, 'feexpay answer not understood');
    else log.warn(line, 'feexpay call did not complete');
  }

  async function requestToPay(input: RequestToPayInput): Promise<RequestToPayResult> {
    const started = performance.now();
    const url = `${base}/api/transactions/public/requesttopay/${encodeURIComponent(input.network)}`;
    const payload = {
      phoneNumber: input.phoneNumber,
      amount: input.amount,
      shop: opts.shopId,
      description: input.description ?? 'Paiement',
      first_name: input.firstName ?? '',
      last_name: input.lastName ?? '',
      email: input.email ?? '',
      callback_info: input.callbackInfo,
      ...(input.otp !== undefined ? { otp: input.otp } : {}),
    };
    const ex = await exchange('POST', url, opts.requestTimeoutMs, payload);
    const durationMs = performance.now() - started;
    const result = interpretRequestToPay(ex, durationMs);
    const outcome: CallOutcome =
      result.kind === 'accepted'
        ? result.status === 'failed'
          ? 'failed'
          : 'ok'
        : result.kind === 'rejected'
          ? 'failed'
          : result.cause === 'timeout'
            ? 'timeout'
            : 'error';
    report('request_to_pay', outcome, durationMs, {
      network: input.network,
      country: NETWORK_INFO[input.network]?.country,
      callbackInfo: input.callbackInfo,
      httpStatus: ex.kind === 'answer' ? ex.httpStatus : undefined,
      kind: result.kind,
      ...(result.kind === 'accepted'
        ? { reference: result.reference, status: result.status, reason: result.reason, otpRequired: result.otpRequired }
        : result.kind === 'rejected'
          ? { reason: result.reason }
          : { cause: result.cause }),
    });
    return result;
  }

  async function getStatus(reference: string): Promise<StatusResult> {
    const started = performance.now();
    // A reference FeexPay never issues cannot be known to it; and it must never reshape our URL.
    if (!REFERENCE_PATTERN.test(reference)) {
      const durationMs = performance.now() - started;
      opts.logger?.warn({ feexpay: true, operation: 'status', kind: 'not_found', why: 'malformed reference' }, 'feexpay status skipped');
      return { kind: 'not_found', durationMs };
    }
    const url = `${base}/api/transactions/public/single/status/${encodeURIComponent(reference)}`;
    const ex = await exchange('GET', url, opts.statusTimeoutMs);
    const durationMs = performance.now() - started;
    const result = interpretStatus(reference, ex, durationMs);
    const outcome: CallOutcome =
      result.kind === 'found'
        ? result.status === 'failed'
          ? 'failed'
          : 'ok'
        : result.kind === 'not_found'
          ? 'ok'
          : result.cause === 'timeout'
            ? 'timeout'
            : result.httpStatus !== undefined && result.httpStatus >= 400 && result.httpStatus < 500
              ? 'failed'
              : 'error';
    report('status', outcome, durationMs, {
      reference,
      httpStatus: ex.kind === 'answer' ? ex.httpStatus : undefined,
      kind: result.kind,
      ...(result.kind === 'found'
        ? { status: result.status, reason: result.reason }
        : result.kind === 'unavailable'
          ? { cause: result.cause }
          : {}),
    });
    return result;
  }

  return { requestToPay, getStatus };
}

function unknownOf(httpStatus: number): { cause: UnknownCause; httpStatus: number } {
  return { cause: httpStatus >= 500 ? 'server_error' : 'bad_response', httpStatus };
}

export function interpretRequestToPay(ex: Exchange, durationMs: number): RequestToPayResult {
  if (ex.kind === 'failed') return { kind: 'unknown', cause: ex.cause, durationMs };
  const { httpStatus } = ex;
  if (httpStatus >= 400 && httpStatus < 500) {
    // Bad key, channel not configured, invalid body: FeexPay started nothing.
    const reason: FailureReason = 'provider_rejected';
    return { kind: 'rejected', httpStatus, reason, durationMs };
  }
  if (httpStatus < 200 || httpStatus >= 300) return { kind: 'unknown', ...unknownOf(httpStatus), durationMs };
  const json = parseJson(ex.text);
  if (!json.ok) return { kind: 'unknown', cause: 'bad_response', httpStatus, durationMs };
  const answer = parseRequestToPayAnswer(httpStatus, json.value);
  if (answer.kind === 'not_understood') return { kind: 'unknown', cause: 'bad_response', httpStatus, durationMs };
  if (answer.kind === 'refused') return { kind: 'rejected', httpStatus, reason: answer.reason, durationMs };
  const { kind: _kind, ...accepted } = answer;
  return { kind: 'accepted', ...accepted, durationMs };
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
