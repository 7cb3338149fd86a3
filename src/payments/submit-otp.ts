/**
 * POST /v1/payments/{id}/otp: the second step of an OTP collection (Coris). FeexPay answered the
 * first request with HTTP 201 and texted the customer a code; the merchant sends it here, and the
 * same payment moves on with FeexPay's answer to the repeated request (same data, the code and the
 * first reference). One step per payment: concurrent or repeated submissions find it taken (409)
 * or replay the stored answer (same Idempotency-Key). The code itself is never logged.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Network } from '../domain/networks.ts';
import type { FeexPayClient } from '../feexpay/types.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { NO_TRACE, type TraceSteps } from '../observability/trace-steps.ts';
import type { PaymentViewType } from '../schemas/payment.ts';
import { judgeTakenKey, requestHash } from './idempotency.ts';
import { presentPayment } from './present.ts';
import type { PaymentRepository } from './repository.ts';
import type { Settler } from './settle.ts';

export interface SubmitOtpDeps {
  payments: PaymentRepository;
  settler: Settler;
  /** The client of the payment's mode: FeexPay for live keys, the simulator for test keys. */
  feexpay: (livemode: boolean) => FeexPayClient;
  metrics: ServiceMetrics;
  onFeexPayAnomaly?: (message: string, ctx: { paymentId: string; network: string }) => void;
}

/** What became of the code; the route maps each kind to HTTP. */
export type OtpOutcome =
  | { kind: 'sent'; payment: PaymentViewType }
  /** The key's stored answer: the payment after its step, or the 409 of a payment not waiting. */
  | { kind: 'replayed'; statusCode: number; body: unknown }
  | { kind: 'not_found' }
  | { kind: 'key_reused' }
  | { kind: 'in_flight' }
  | { kind: 'not_awaiting'; body: NotAwaitingBody };

export interface NotAwaitingBody {
  error: { code: 'payment_not_awaiting_otp'; message: string };
}

export function createOtpSubmitter(deps: SubmitOtpDeps) {
  return async function submitOtp(
    merchant: { id: string; livemode: boolean },
    paymentId: string,
    idempotencyKey: string,
    otp: string,
    log: FastifyBaseLogger,
    trace: TraceSteps = NO_TRACE,
  ): Promise<OtpOutcome> {
    const { id: merchantId, livemode } = merchant;
    // Another merchant's payment (or the other mode's) is indistinguishable from a missing one.
    const payment = await trace.step('db', 'read payment', () => deps.payments.findForMerchant(merchantId, livemode, paymentId));
    if (!payment) return { kind: 'not_found' };
    // The key remembers a hash of the code, not the code; a one-time code already sent by then.
    // Test-mode traffic stays out of the metrics, as everywhere.
    const count = (result: 'accepted' | 'refused' | 'unknown' | 'not_awaiting') => {
      if (livemode) deps.metrics.otpSubmissions.inc({ network: payment.network, result });
    };
    const hash = requestHash({ payment_id: paymentId, otp });
    const claim = await trace.step('db', 'claim key', () => deps.payments.claimKey(merchantId, livemode, idempotencyKey, hash, paymentId));
    if (claim.kind === 'taken') {
      const verdict = judgeTakenKey(claim, hash);
      if (verdict.kind === 'replay') return { kind: 'replayed', statusCode: verdict.status, body: verdict.body };
      return verdict.kind === 'key_reused' ? { kind: 'key_reused' } : { kind: 'in_flight' };
    }
    const store = (statusCode: number, body: unknown) =>
      trace.step('db', 'store answer for replays', () => deps.payments.completeKey(merchantId, livemode, idempotencyKey, statusCode, body));

    const taken = await trace.step('db', 'take the OTP step', () => deps.payments.takeOtpStep(merchantId, paymentId));
    if (!taken || !taken.feexpay_reference) {
      count('not_awaiting');
      const body: NotAwaitingBody = { error: { code: 'payment_not_awaiting_otp', message: `This payment is ${payment.status} and is not waiting for a code.` } };
      await store(409, body);
      return { kind: 'not_awaiting', body };
    }

    const result = await trace.step('http.client', 'FeexPay request-to-pay with the code', () =>
      deps.feexpay(livemode).requestToPay({
        network: taken.network as Network,
        phoneNumber: taken.phone_number,
        amount: Number(taken.amount),
        description: taken.description ?? undefined,
        firstName: taken.customer?.first_name,
        lastName: taken.customer?.last_name,
        email: taken.customer?.email,
        callbackInfo: taken.id,
        otp,
        reference: taken.feexpay_reference!,
      }),
    );
    const base = { payment_id: taken.id, network: taken.network };
    log.info({ event: 'payment.otp_submitted', ...base, result: result.kind, duration_ms: result.durationMs }, 'OTP sent to FeexPay');

    if (result.kind === 'accepted') {
      if (result.reference !== taken.feexpay_reference) {
        // The payment is polled by the first reference, which the database keeps immutable.
        log.warn({ event: 'payment.otp_reference_changed', ...base }, 'FeexPay answered the code with another reference');
        deps.onFeexPayAnomaly?.('FeexPay answered an OTP step with another reference', { paymentId: taken.id, network: taken.network });
      }
      // FeexPay asking again (another 201): the customer may send a new code.
      if (result.otpRequired) await deps.payments.setNextAction(taken.id, { type: 'otp_required' });
      await deps.settler.applyAnswer(taken, result.status, 'api', result.reason);
      count(result.status === 'failed' ? 'refused' : 'accepted');
    } else if (result.kind === 'rejected') {
      await deps.settler.fail(taken, 'api', result.reason);
      count('refused');
    } else {
      // The code may have reached the operator: the payment stays pending for the webhook and the reconciler.
      count('unknown');
      if (result.cause === 'bad_response' || result.cause === 'server_error') {
        deps.onFeexPayAnomaly?.(`FeexPay OTP step answered with ${result.cause}`, { paymentId: taken.id, network: taken.network });
      }
    }
    const body = presentPayment((await deps.payments.findById(taken.id)) ?? taken);
    await store(200, body);
    return { kind: 'sent', payment: body };
  };
}

export type OtpSubmitter = ReturnType<typeof createOtpSubmitter>;
