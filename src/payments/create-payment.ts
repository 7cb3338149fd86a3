/**
 * POST /v1/payments, the part that moves money: claim the idempotency key with the payment row,
 * ask FeexPay to collect, record its answer, and store the response for replays.
 * A FeexPay timeout or garbage answer is not a failure: the payment stays pending and the
 * reconciler (or the webhook) settles it, because the customer may still approve on the phone;
 * if no answer ever establishes the outcome, it goes to review.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { FeexPayClient, FeexPayFor } from '../feexpay/types.ts';
import { NO_TRACE, type TraceSteps } from '../observability/trace-steps.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import type { CreatePaymentBody, PaymentViewType } from '../schemas/payment.ts';
import { answerTakenKey, requestHash, type TakenOutcome } from './idempotency.ts';
import { presentPayment } from './present.ts';
import type { PaymentRepository, PaymentRow } from './repository.ts';
import type { Settler } from './settle.ts';

/** What became of the request; the route maps each kind to HTTP. */
export type CreateOutcome =
  | { kind: 'created'; payment: PaymentViewType }
  /** replayed: the key's stored answer, or the payment as it stands when the first attempt died mid-way. */
  | TakenOutcome<PaymentViewType>;

export interface CreatePaymentDeps {
  payments: PaymentRepository;
  settler: Settler;
  feexpay: FeexPayFor;
  metrics: ServiceMetrics;
  timing: { firstCheckAfterMs: number; deadlineMs: number; staleInFlightMs: number };
  onFeexPayAnomaly?: (message: string, ctx: { paymentId: string; network: string }) => void;
}

type NextAction = NonNullable<PaymentViewType['next_action']>;

export function createPaymentCreator(deps: CreatePaymentDeps) {
  /** Asks FeexPay to collect and records what it answered; returns the next step for the customer, if any. */
  async function collect(payment: PaymentRow, input: CreatePaymentBody, log: FastifyBaseLogger, trace: TraceSteps): Promise<{ row?: PaymentRow; nextAction?: NextAction }> {
    const base = { payment_id: payment.id, amount: input.amount, currency: input.currency, network: input.network };
    const result = await trace.step('http.client', 'FeexPay request-to-pay', () => deps.feexpay(payment.livemode).requestToPay({
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

    if (result.kind === 'rejected') {
      await deps.settler.fail(payment, 'api', result.reason);
      return {};
    }
    if (result.kind === 'unknown') {
      if (result.cause === 'bad_response' || result.cause === 'server_error') {
        deps.onFeexPayAnomaly?.(`FeexPay request-to-pay answered with ${result.cause}`, { paymentId: payment.id, network: input.network });
      }
      return {};
    }
    const attached = await trace.step('db', 'store FeexPay reference', () => deps.payments.attachFeexPay(payment.id, {
      reference: result.reference,
      orderId: result.orderId,
      paymentUrl: result.paymentUrl,
    }));
    if (attached === 'conflict') {
      // FeexPay gave this payment a reference another payment already holds.
      await deps.settler.review(payment, 'contradictory_answers', 'api', { reference: result.reference });
      return {};
    }
    const outcome = await deps.settler.applyAnswer(attached ?? payment, result.status, 'api', result.reason);
    const nextAction: NextAction | undefined = result.otpRequired ? 'otp_required' : result.paymentUrl ? 'redirect_to_url' : undefined;
    // The row attachFeexPay returned is current unless the answer itself settled the payment.
    return { row: attached && outcome === 'still_pending' ? attached : undefined, nextAction };
  }

  return async function createPayment(
    merchant: { id: string; livemode: boolean },
    idempotencyKey: string,
    input: CreatePaymentBody,
    log: FastifyBaseLogger,
    trace: TraceSteps = NO_TRACE,
  ): Promise<CreateOutcome> {
    const now = Date.now();
    const hash = requestHash(input);
    const merchantId = merchant.id;
    const claim = await trace.step('db', 'claim key, insert payment', () => deps.payments.claimKeyAndInsert(idempotencyKey, hash, {
      id: randomUUID(),
      merchant_id: merchantId,
      livemode: merchant.livemode,
      amount: input.amount,
      currency: input.currency,
      network: input.network,
      phone_number: input.phone_number,
      description: input.description ?? null,
      customer: input.customer ?? {},
      metadata: input.metadata ?? {},
      next_check_at: new Date(now + deps.timing.firstCheckAfterMs),
      expires_at: new Date(now + deps.timing.deadlineMs),
    }));

    if (claim.kind === 'taken') {
      const outcome = await answerTakenKey<PaymentViewType>(claim, hash, claim.paymentId, {
        now,
        staleInFlightMs: deps.timing.staleInFlightMs,
        current: async (id) => {
          const row = await deps.payments.findById(id);
          return row && presentPayment(row);
        },
        complete: (status, body) => trace.step('db', 'store answer for replays', () => deps.payments.completeKey(merchantId, merchant.livemode, idempotencyKey, status, body)),
      });
      deps.metrics.idempotentRequests.inc({ outcome: outcome.kind });
      return outcome;
    }

    deps.metrics.idempotentRequests.inc({ outcome: 'created' });
    if (merchant.livemode) deps.metrics.paymentsInitiated.inc({ network: input.network });
    else deps.metrics.testModePayments.inc({ event: 'initiated' });
    const payment = claim.payment;
    log.info({ event: 'payment.initiated', payment_id: payment.id, livemode: merchant.livemode, amount: input.amount, currency: input.currency, network: input.network }, 'payment initiated');

    const { row, nextAction } = await collect(payment, input, log, trace);
    const current = row ?? (await deps.payments.findById(payment.id)) ?? payment;
    const body: PaymentViewType = { ...presentPayment(current), ...(nextAction ? { next_action: nextAction } : {}) };
    await trace.step('db', 'store answer for replays', () => deps.payments.completeKey(merchantId, merchant.livemode, idempotencyKey, 201, body));
    return { kind: 'created', payment: body };
  };
}

export type PaymentCreator = ReturnType<typeof createPaymentCreator>;
