/**
 * HTTP client for FeexPay's collection API. It turns every answer (or the lack of one) into the
 * closed result types of types.ts. The rule it follows: only an answer we fully understand may
 * say a payment succeeded or failed; timeouts, 5xx and odd bodies are "unknown", so the payment
 * stays pending and the reconciler asks again later.
 */
import { performance } from 'node:perf_hooks';
import { NETWORK_INFO, type Network } from '../domain/networks.ts';
import { createExchange } from './http-exchange.ts';
import { interpretCardInit, interpretFeePreview, interpretRequestToPay, interpretStatus } from './interpret.ts';
import { REFERENCE_PATTERN } from './status.ts';
import type {
  CallObserver,
  CallOutcome,
  CardInitInput,
  CardInitResult,
  CollectionPath,
  FeePreviewResult,
  FeexPayClient,
  FeexPayOperation,
  RequestToPayInput,
  RequestToPayResult,
  StatusResult,
} from './types.ts';

export { interpretRequestToPay, interpretStatus } from './interpret.ts';

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
  /** `integration` (default: the current official SDK's form) or `per_operator`. */
  collectionPath?: CollectionPath;
  logger?: ClientLogger;
  observe?: CallObserver;
}

// FeexPay answers are small; a huge body is not a FeexPay answer and must not fill our memory.
const MAX_BODY_BYTES = 64 * 1024;

export function createFeexPayClient(opts: FeexPayClientOptions): FeexPayClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const collectionPath = opts.collectionPath ?? 'integration';
  // Only a simulator is reached over plain http; its pages may then be http too.
  const plainHttp = base.startsWith('http:');
  const exchange = createExchange({
    baseUrl: base,
    headers: { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json' },
    maxBodyBytes: MAX_BODY_BYTES,
  });

  function report(operation: FeexPayOperation, outcome: CallOutcome, durationMs: number, fields: Record<string, unknown>): void {
    opts.observe?.(operation, outcome, durationMs / 1000);
    const line = { feexpay: true, operation, outcome, durationMs: Math.round(durationMs), ...fields };
    const log = opts.logger;
    if (!log) return;
    if (outcome === 'ok') log.info(line, 'feexpay call');
    // A decline (FeexPay answered that the payment failed) is an ordinary outcome, not a fault.
    else if (isDecline(fields)) log.info(line, 'feexpay call: payment declined');
    else if (outcome === 'failed') log.warn(line, 'feexpay refused the request');
    else if (fields.cause === 'bad_response') log.error(line, 'feexpay answer not understood');
    else log.warn(line, 'feexpay call did not complete');
  }

  /** The path and body of request-to-pay in the form the setting picks (docs/feexpay.md "Which collection path"). */
  function collectionRequest(input: RequestToPayInput): { url: string; payload: Record<string, unknown> } {
    const info = NETWORK_INFO[input.network];
    const payload: Record<string, unknown> = {
      phoneNumber: input.phoneNumber,
      amount: input.amount,
      shop: opts.shopId,
      description: input.description ?? 'Paiement',
      first_name: input.firstName ?? '',
      last_name: input.lastName ?? '',
      email: input.email ?? '',
      callback_info: input.callbackInfo,
      // Coris's first request carries an empty code: FeexPay then answers 201 and texts one.
      ...(input.otp !== undefined || info.flow === 'otp' ? { otp: input.otp ?? '' } : {}),
      ...(input.reference !== undefined ? { reference: input.reference } : {}),
      ...(input.returnUrl !== undefined ? { return_url: input.returnUrl } : {}),
      ...(input.cancelUrl !== undefined ? { cancel_url: input.cancelUrl } : {}),
    };
    if (collectionPath === 'per_operator') {
      return { url: `${base}/api/transactions/public/requesttopay/${encodeURIComponent(input.network)}`, payload };
    }
    return { url: `${base}/api/transactions/requesttopay/integration`, payload: { ...payload, reseau: info.legacyLabel } };
  }

  async function requestToPay(input: RequestToPayInput): Promise<RequestToPayResult> {
    const started = performance.now();
    const { url, payload } = collectionRequest(input);
    const ex = await exchange('POST', url, opts.requestTimeoutMs, payload);
    const durationMs = performance.now() - started;
    const result = interpretRequestToPay(ex, durationMs, plainHttp);
    report('request_to_pay', outcomeOf(result), durationMs, {
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

  async function initCard(input: CardInitInput): Promise<CardInitResult> {
    const started = performance.now();
    const ex = await exchange('POST', `${base}/api/transactions/public/initcard`, opts.requestTimeoutMs, {
      phone: input.phoneNumber,
      amount: input.amount,
      shop: opts.shopId,
      first_name: input.firstName ?? '',
      last_name: input.lastName ?? '',
      email: input.email ?? '',
      type_card: input.brand,
      currency: input.currency,
      callback_info: input.callbackInfo,
    });
    const durationMs = performance.now() - started;
    const result = interpretCardInit(ex, durationMs, plainHttp);
    report('card_init', outcomeOf(result), durationMs, {
      brand: input.brand,
      callbackInfo: input.callbackInfo,
      httpStatus: ex.kind === 'answer' ? ex.httpStatus : undefined,
      kind: result.kind,
      ...(result.kind === 'accepted' ? { reference: result.reference } : result.kind === 'rejected' ? { reason: result.reason } : { cause: result.cause }),
    });
    return result;
  }

  async function feePreview(network: Network, amount: number): Promise<FeePreviewResult> {
    const started = performance.now();
    const ex = await exchange('POST', `${base}/api/transactions/details`, opts.statusTimeoutMs, {
      reseau: NETWORK_INFO[network].legacyLabel,
      amount,
      shop: opts.shopId,
    });
    const durationMs = performance.now() - started;
    const result = interpretFeePreview(ex, amount, durationMs);
    const outcome: CallOutcome = result.kind === 'ok' ? 'ok' : result.cause === 'timeout' ? 'timeout' : result.cause === 'rejected' ? 'failed' : 'error';
    report('fee_preview', outcome, durationMs, { network, httpStatus: ex.kind === 'answer' ? ex.httpStatus : undefined, kind: result.kind });
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
      ...(result.kind === 'found' ? { status: result.status, reason: result.reason } : result.kind === 'unavailable' ? { cause: result.cause } : {}),
    });
    return result;
  }

  return { requestToPay, getStatus, initCard, feePreview };
}

/**
 * FeexPay's answer said the payment failed (FAILED, or a refusal naming the customer's side:
 * funds, number, cancelled, wrong code). A refusal of the request itself (`provider_rejected`:
 * a bad key, a channel not configured, a body it does not take) is the integration's problem.
 */
export function isDecline(fields: { status?: unknown; kind?: unknown; reason?: unknown }): boolean {
  return fields.status === 'failed' || (fields.kind === 'rejected' && fields.reason !== 'provider_rejected');
}

/** How a collection call went, for the metric: a refusal is "failed", an unknown outcome a timeout or an error. */
function outcomeOf(result: RequestToPayResult | CardInitResult): CallOutcome {
  if (result.kind === 'accepted') return 'status' in result && result.status === 'failed' ? 'failed' : 'ok';
  if (result.kind === 'rejected') return 'failed';
  return result.cause === 'timeout' ? 'timeout' : 'error';
}
