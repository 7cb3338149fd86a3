/**
 * HTTP client for FeexPay's payout API (docs/payouts.md): the transfer, by operator path, and the
 * payout status, which FeexPay serves under two spellings. Its answers are read by the same
 * interpreters as collections (client.ts), so the same rule holds: only an answer fully
 * understood says sent or not sent; a timeout, a 5xx, an odd body or a missing reference is
 * "unknown", and the caller must not decide.
 */
import { performance } from 'node:perf_hooks';
import { NETWORK_INFO } from '../domain/networks.ts';
import { PAYOUT_PATHS, type PayoutNetwork } from '../domain/payouts.ts';
import { interpretRequestToPay, interpretStatus, isDecline, type FeexPayClientOptions } from './client.ts';
import { createExchange } from './http-exchange.ts';
import { REFERENCE_PATTERN } from './status.ts';
import type { CallOutcome, RequestToPayResult, StatusResult } from './types.ts';

export interface PayoutInput {
  network: PayoutNetwork;
  /** Digits with country code, no '+'. */
  phoneNumber: string;
  amount: number;
  motif: string;
  /** Our payout id, for FeexPay's records. */
  callbackInfo: string;
}

/** FeexPay's answer to a transfer: accepted with a reference (and a status), refused, or unknown. */
export type TransferResult = RequestToPayResult;

export interface PayoutClient {
  transfer(input: PayoutInput): Promise<TransferResult>;
  status(reference: string): Promise<StatusResult>;
}

/** The collection client's options: same account, timeouts, logger and observer. */
export type PayoutClientOptions = FeexPayClientOptions;

const MAX_BODY_BYTES = 64 * 1024;

/** The status path as FeexPay's SDK spells it, then the spelling also seen. */
export const PAYOUT_STATUS_PATHS = ['/api/payouts/public/single/status/', '/api/payouts/status/public/'] as const;

function outcomeOf(r: TransferResult | StatusResult): CallOutcome {
  if (r.kind === 'accepted' || r.kind === 'found') return r.status === 'failed' ? 'failed' : 'ok';
  if (r.kind === 'rejected') return 'failed';
  if (r.kind === 'not_found') return 'ok';
  return r.cause === 'timeout' ? 'timeout' : 'error';
}

export function createPayoutClient(opts: PayoutClientOptions): PayoutClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const exchange = createExchange({
    baseUrl: base,
    headers: { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json' },
    maxBodyBytes: MAX_BODY_BYTES,
  });

  function report(operation: 'payout' | 'payout_status', result: TransferResult | StatusResult, fields: Record<string, unknown>): void {
    const outcome = outcomeOf(result);
    opts.observe?.(operation, outcome, result.durationMs / 1000);
    const line = {
      feexpay: true,
      operation,
      outcome,
      kind: result.kind,
      durationMs: Math.round(result.durationMs),
      ...('status' in result ? { status: result.status } : {}),
      ...('reason' in result ? { reason: result.reason } : {}),
      ...('cause' in result ? { cause: result.cause } : {}),
      ...fields,
    };
    if (outcome === 'ok') opts.logger?.info(line, 'feexpay payout call');
    else if (isDecline(line)) opts.logger?.info(line, 'feexpay payout call: payout declined');
    else opts.logger?.warn(line, 'feexpay payout call did not succeed');
  }

  async function transfer(input: PayoutInput): Promise<TransferResult> {
    const started = performance.now();
    const url = `${base}/api/payouts/public/${PAYOUT_PATHS[input.network]}`;
    const payload = {
      phoneNumber: input.phoneNumber,
      amount: input.amount,
      shop: opts.shopId,
      network: NETWORK_INFO[input.network].legacyLabel,
      motif: input.motif,
      callback_info: input.callbackInfo,
    };
    const ex = await exchange('POST', url, opts.requestTimeoutMs, payload);
    const result = interpretRequestToPay(ex, performance.now() - started);
    report('payout', result, {
      network: input.network,
      callbackInfo: input.callbackInfo,
      httpStatus: ex.kind === 'answer' ? ex.httpStatus : undefined,
      reference: result.kind === 'accepted' ? result.reference : undefined,
    });
    return result;
  }

  /** Asks the first spelling, and the second only when the first does not know the reference. */
  async function status(reference: string): Promise<StatusResult> {
    const started = performance.now();
    if (!REFERENCE_PATTERN.test(reference)) return { kind: 'not_found', durationMs: 0 };
    let result: StatusResult = { kind: 'not_found', durationMs: 0 };
    for (const path of PAYOUT_STATUS_PATHS) {
      const ex = await exchange('GET', `${base}${path}${encodeURIComponent(reference)}`, opts.statusTimeoutMs);
      result = interpretStatus(reference, ex, performance.now() - started);
      if (result.kind !== 'not_found') break;
    }
    report('payout_status', result, { reference });
    return result;
  }

  return { transfer, status };
}
