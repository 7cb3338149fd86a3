/**
 * POST /v1/payments, the part that moves money: claim the idempotency key with the payment row,
 * ask FeexPay to collect, record its answer, and store the response for replays.
 * A FeexPay timeout or garbage answer is not a failure: the payment stays pending and the
 * reconciler (or the webhook) settles it, because the customer may still approve on the phone.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Currency, Network } from '../domain/networks.ts';
import type { FeexPayClient } from '../feexpay/types.ts';
import { NO_TRACE, type TraceSteps } from '../observability/trace-steps.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { requestHash, type IdempotencyStore } from './idempotency.ts';
import { presentPayment } from './present.ts';
import type { PaymentRepository } from './repository.ts';
import type { Settler } from './settle.ts';

export interface CreatePaymentInput {
  amount: number;
  currency: Currency;
  network: Network;
  phone_number: string;
  description?: string;
  customer?: { first_name?: string; last_name?: string; email?: string };
  metadata?: Record<string, string>;
  otp?: string;
}

export interface ApiAnswer {
  statusCode: number;
  body: unknown;
}

export interface CreatePaymentDeps {
  payments: PaymentRepository;
  idempotency: IdempotencyStore;
  settler: Settler;
  feexpay: () => FeexPayClient;
  metrics: ServiceMetrics;
  timing: { firstCheckAfterMs: number; deadlineMs: number; staleInFlightMs: number };
  onFeexPayAnomaly?: (message: string, ctx: { paymentId: string; network: string }) => void;
  /** Takes one prompt from the phone's hourly quota (the rate-limit plugin's phoneQuota). */
  phoneQuota?: (phoneNumber: string) => Promise<{ allowed: boolean; refusal: Error | null; refund(): Promise<void> }>;
}

const apiError = (statusCode: number, code: string, message: string): ApiAnswer => ({
  statusCode,
  body: { error: { code, message } },
});

export function createPaymentCreator(deps: CreatePaymentDeps) {
  return async function createPayment(
    merchantId: string,
    idempotencyKey: string,
    input: CreatePaymentInput,
    log: FastifyBaseLogger,
    trace: TraceSteps = NO_TRACE,
  ): Promise<ApiAnswer> {
    const now = Date.now();
    // Only a request that goes on to prompt the phone keeps its place in the phone's quota: a
    // replay, a conflict or a failure before FeexPay gives it back, and a replay is answered even
    // when the quota is spent.
    const quota = await deps.phoneQuota?.(input.phone_number);
    if (quota && !quota.allowed && !(await deps.idempotency.isLive(merchantId, idempotencyKey))) throw quota.refusal;
    const claim = await trace.step('db', 'claim key, insert payment', () => deps.idempotency.claimAndInsert(merchantId, idempotencyKey, requestHash(input), {
      id: randomUUID(),
      merchant_id: merchantId,
      amount: input.amount,
      currency: input.currency,
      network: input.network,
      phone_number: input.phone_number,
      description: input.description ?? null,
      customer: input.customer ?? {},
      metadata: input.metadata ?? {},
      next_check_at: new Date(now + deps.timing.firstCheckAfterMs),
      expires_at: new Date(now + deps.timing.deadlineMs),
    })).catch(async (err: unknown) => {
      await quota?.refund();
      throw err;
    });
    if (claim.kind !== 'claimed') await quota?.refund();

    if (claim.kind === 'replay') {
      deps.metrics.idempotentRequests.inc({ outcome: 'replayed' });
      return { statusCode: claim.status, body: claim.body };
    }
    if (claim.kind === 'mismatch') {
      deps.metrics.idempotentRequests.inc({ outcome: 'mismatch' });
      return apiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body.');
    }
    if (claim.kind === 'in_flight') {
      // A first attempt that died mid-way (process killed) must not lock the key forever: past the
      // longest FeexPay call, answer with the payment as it stands and close the key.
      if (claim.paymentId && now - new Date(claim.since).getTime() > deps.timing.staleInFlightMs) {
        const row = await deps.payments.findById(claim.paymentId);
        if (row) {
          const answer = { statusCode: 201, body: presentPayment(row) };
          await trace.step('db', 'store answer for replays', () => deps.idempotency.complete(merchantId, idempotencyKey, answer.statusCode, answer.body));
          deps.metrics.idempotentRequests.inc({ outcome: 'replayed' });
          return answer;
        }
      }
      deps.metrics.idempotentRequests.inc({ outcome: 'in_flight' });
      return apiError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed; retry later.');
    }

    deps.metrics.idempotentRequests.inc({ outcome: 'created' });
    deps.metrics.paymentsInitiated.inc({ network: input.network });
    let payment = claim.payment;
    const base = { payment_id: payment.id, amount: input.amount, currency: input.currency, network: input.network };
    log.info({ event: 'payment.initiated', ...base }, 'payment initiated');

    const result = await trace.step('http.client', 'FeexPay request-to-pay', () => deps.feexpay().requestToPay({
      network: input.network,
      phoneNumber: input.phone_number,
      amount: input.amount,
      description: input.description,
      firstName: input.customer?.first_name,
      lastName: input.customer?.last_name,
      email: input.customer?.email,
      callbackInfo: payment.id,
      otp: input.otp,
    }));
    log.info(
      {
        event: 'feexpay.answered',
        ...base,
        result: result.kind,
        feexpay_reference: result.kind === 'accepted' ? result.reference : undefined,
        feexpay_status: result.kind === 'accepted' ? result.status : undefined,
        cause: result.kind === 'unknown' ? result.cause : undefined,
        duration_ms: result.durationMs,
      },
      'FeexPay answered request-to-pay',
    );

    let nextAction: string | undefined;
    // The row as attachFeexPay returned it is current unless something else changed it since.
    let current: typeof payment | undefined;
    if (result.kind === 'accepted') {
      const attached = await trace.step('db', 'store FeexPay reference', () => deps.payments.attachFeexPay(payment.id, {
        reference: result.reference,
        orderId: result.orderId,
        paymentUrl: result.paymentUrl,
      }));
      payment = attached ?? payment;
      const outcome = await deps.settler.apply(payment, result.status, 'api', result.reason);
      if (attached && outcome === 'still_pending') current = attached;
      if (result.otpRequired) nextAction = 'otp_required';
      else if (result.paymentUrl) nextAction = 'redirect_to_url';
    } else if (result.kind === 'rejected') {
      await deps.settler.fail(payment, 'api', result.reason);
    } else if (result.cause === 'bad_response' || result.cause === 'server_error') {
      deps.onFeexPayAnomaly?.(`FeexPay request-to-pay answered with ${result.cause}`, {
        paymentId: payment.id,
        network: input.network,
      });
    }

    current ??= (await deps.payments.findById(payment.id)) ?? payment;
    const body = { ...presentPayment(current), ...(nextAction ? { next_action: nextAction } : {}) };
    const answer = { statusCode: 201, body };
    await trace.step('db', 'store answer for replays', () => deps.idempotency.complete(merchantId, idempotencyKey, answer.statusCode, answer.body));
    return answer;
  };
}

export type PaymentCreator = ReturnType<typeof createPaymentCreator>;
