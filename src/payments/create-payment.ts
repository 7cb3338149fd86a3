/**
 * POST /v1/payments, the part that moves money: claim the idempotency key with the payment row,
 * ask FeexPay to collect, record its answer, and store the response for replays.
 * A FeexPay timeout or garbage answer is not a failure: the payment stays pending and the
 * reconciler (or the webhook) settles it, because the customer may still approve on the phone;
 * if no answer ever establishes the outcome, it goes to review.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyBaseLogger } from 'fastify';
import type { FeexPayClient, FeexPayFor } from '../feexpay/types.ts';
import { NO_TRACE, type TraceSteps } from '../observability/trace-steps.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import type { PaymentNetwork } from '../domain/networks.ts';
import type { CreatePaymentBody, PaymentViewType } from '../schemas/payment.ts';
import { nextActionOf, startCollection } from './collect.ts';
import { judgeTakenKey, requestHash } from './idempotency.ts';
import { presentPayment } from './present.ts';
import type { PaymentRepository, PaymentRow } from './repository.ts';
import type { Settler } from './settle.ts';

/** What became of the request; the route maps each kind to HTTP. */
export type CreateOutcome =
  | { kind: 'created'; payment: PaymentViewType }
  /** The key's stored answer, or the payment as it stands when the first attempt died mid-way. */
  | { kind: 'replayed'; statusCode: number; body: PaymentViewType }
  | { kind: 'key_reused' }
  | { kind: 'in_flight' };

export interface CreatePaymentDeps {
  payments: PaymentRepository;
  settler: Settler;
  feexpay: FeexPayFor;
  metrics: ServiceMetrics;
  timing: { firstCheckAfterMs: number; deadlineMs: number; staleInFlightMs: number };
  onFeexPayAnomaly?: (message: string, ctx: { paymentId: string; network: string }) => void;
  /** Takes one prompt from the phone's hourly quota (the rate-limit plugin's phoneQuota). */
  phoneQuota?: (phoneNumber: string, livemode: boolean) => Promise<{ allowed: boolean; refusal: Error | null; refund(): Promise<void> }>;
}

/** The body as checked by the route: `network` resolved (an operator, or `card` with method card). */
export type CreatePaymentInput = Omit<CreatePaymentBody, 'network'> & { network: PaymentNetwork };

export function createPaymentCreator(deps: CreatePaymentDeps) {
  /**
   * The claim under way for each key in this process. A retry racing its first attempt waits for
   * that claim before it takes from the phone's quota: otherwise the places the racing retries
   * hold for a moment refuse the others, which find the key not yet committed and answer 429 where
   * a replay or a 409 is the truth. (A retry sent to another replica at the same instant can still
   * meet that; it is told to retry after the window, and its retry is then a replay.)
   */
  const claims = new Map<string, Promise<unknown>>();
  async function claimInTurn<T>(flight: string, claim: () => Promise<T>): Promise<T> {
    const first = claims.get(flight);
    if (first) {
      await first.catch(() => undefined);
      return claim();
    }
    const mine = claim();
    claims.set(flight, mine);
    try {
      return await mine;
    } finally {
      claims.delete(flight);
    }
  }

  /**
   * Asks FeexPay to collect and records what it answered. `answer`: the API's view of the payment,
   * already stored on the key (the common case: FeexPay accepted and the payment waits for the
   * customer, one statement for both); otherwise `row`, the payment as it stands when known.
   */
  async function collect(
    payment: PaymentRow,
    input: CreatePaymentInput,
    key: { merchantId: string; livemode: boolean; key: string },
    log: FastifyBaseLogger,
    trace: TraceSteps,
  ): Promise<{ row?: PaymentRow; answer?: PaymentViewType }> {
    const base = { payment_id: payment.id, amount: input.amount, currency: input.currency, network: input.network };
    const result = await trace.step('http.client', 'FeexPay request-to-pay', () => startCollection(deps.feexpay(payment.livemode), payment, input));
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
    const fields = { reference: result.reference, orderId: result.orderId, paymentUrl: result.paymentUrl, nextAction: nextActionOf(result) };
    if (result.status === 'pending') {
      // Nothing left to settle: the reference and the key's answer go in one statement.
      const expected = presentPayment({
        ...payment,
        feexpay_reference: fields.reference,
        feexpay_order_id: fields.orderId ?? null,
        payment_url: fields.paymentUrl ?? null,
        next_action: fields.nextAction ?? null,
      });
      const attached = await trace.step('db', 'store FeexPay reference and answer', () => deps.payments.attachFeexPayAndAnswer(payment.id, fields, key, expected));
      if (attached === 'conflict') return conflict(payment, result.reference);
      if (attached) {
        const body = presentPayment(attached.row);
        // The stored answer is the row's unless a concurrent writer moved the payment first (or
        // PostgreSQL's milliseconds of updated_at differ from those pg's date parsing gives).
        if (attached.stored && isDeepStrictEqual(attached.stored, body)) return { answer: body };
        return { row: attached.row };
      }
      return {};
    }
    const attached = await trace.step('db', 'store FeexPay reference', () => deps.payments.attachFeexPay(payment.id, fields));
    if (attached === 'conflict') return conflict(payment, result.reference);
    const outcome = await deps.settler.applyAnswer(attached ?? payment, result.status, 'api', result.reason);
    // The row attachFeexPay returned is current unless the answer itself settled the payment.
    return { row: attached && outcome === 'still_pending' ? attached : undefined };
  }

  /** FeexPay gave this payment a reference another payment already holds. */
  async function conflict(payment: PaymentRow, reference: string): Promise<{ row?: PaymentRow }> {
    await deps.settler.review(payment, 'contradictory_answers', 'api', { reference });
    return {};
  }

  return async function createPayment(
    merchant: { id: string; livemode: boolean },
    idempotencyKey: string,
    input: CreatePaymentInput,
    log: FastifyBaseLogger,
    trace: TraceSteps = NO_TRACE,
  ): Promise<CreateOutcome> {
    const now = Date.now();
    const hash = requestHash(input);
    const merchantId = merchant.id;
    const claim = await claimInTurn(`${merchantId} ${merchant.livemode} ${idempotencyKey}`, async () => {
      // Only a request that goes on to prompt the phone keeps its place in the phone's quota: a
      // replay, a conflict or a failure before FeexPay gives it back, and a replay is answered even
      // when the quota is spent.
      const quota = await deps.phoneQuota?.(input.phone_number, merchant.livemode);
      if (quota && !quota.allowed && !(await deps.payments.isKeyLive(merchantId, merchant.livemode, idempotencyKey))) throw quota.refusal;
      const claimed = await trace
        .step('db', 'claim key, insert payment', () =>
          deps.payments.claimKeyAndInsert(idempotencyKey, hash, {
            id: randomUUID(),
            merchant_id: merchantId,
            livemode: merchant.livemode,
            amount: input.amount,
            currency: input.currency,
            network: input.network,
            method: input.method ?? 'mobile_money',
            card_brand: input.card_brand ?? null,
            phone_number: input.phone_number,
            description: input.description ?? null,
            customer: input.customer ?? {},
            metadata: input.metadata ?? {},
            next_check_at: new Date(now + deps.timing.firstCheckAfterMs),
            expires_at: new Date(now + deps.timing.deadlineMs),
          }),
        )
        .catch(async (err: unknown) => {
          await quota?.refund();
          throw err;
        });
      if (claimed.kind === 'taken') await quota?.refund();
      return claimed;
    });

    if (claim.kind === 'taken') {
      const verdict = judgeTakenKey(claim, hash);
      if (verdict.kind === 'replay') {
        deps.metrics.idempotentRequests.inc({ outcome: 'replayed' });
        return { kind: 'replayed', statusCode: verdict.status, body: verdict.body as PaymentViewType };
      }
      if (verdict.kind === 'key_reused') {
        deps.metrics.idempotentRequests.inc({ outcome: 'key_reused' });
        return { kind: 'key_reused' };
      }
      // A first attempt that died mid-way (process killed) must not lock the key forever: past the
      // longest FeexPay call, answer with the payment as it stands and close the key.
      if (verdict.paymentId && now - verdict.since.getTime() > deps.timing.staleInFlightMs) {
        const row = await deps.payments.findById(verdict.paymentId);
        if (row) {
          const body = presentPayment(row);
          await trace.step('db', 'store answer for replays', () => deps.payments.completeKey(merchantId, merchant.livemode, idempotencyKey, 201, body));
          deps.metrics.idempotentRequests.inc({ outcome: 'replayed' });
          return { kind: 'replayed', statusCode: 201, body };
        }
      }
      deps.metrics.idempotentRequests.inc({ outcome: 'in_flight' });
      return { kind: 'in_flight' };
    }

    deps.metrics.idempotentRequests.inc({ outcome: 'created' });
    if (merchant.livemode) deps.metrics.paymentsInitiated.inc({ network: input.network });
    else deps.metrics.testModePayments.inc({ event: 'initiated' });
    const payment = claim.payment;
    log.info(
      { event: 'payment.initiated', payment_id: payment.id, livemode: merchant.livemode, amount: input.amount, currency: input.currency, network: input.network },
      'payment initiated',
    );

    const { row, answer } = await collect(payment, input, { merchantId, livemode: merchant.livemode, key: idempotencyKey }, log, trace);
    if (answer) return { kind: 'created', payment: answer };
    const current = row ?? (await deps.payments.findById(payment.id)) ?? payment;
    const body = presentPayment(current);
    await trace.step('db', 'store answer for replays', () => deps.payments.completeKey(merchantId, merchant.livemode, idempotencyKey, 201, body));
    return { kind: 'created', payment: body };
  };
}

export type PaymentCreator = ReturnType<typeof createPaymentCreator>;
