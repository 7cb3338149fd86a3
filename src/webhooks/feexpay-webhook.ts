/**
 * FeexPay's callback is unsigned, so its body is only a hint: a payment moves only on what
 * FeexPay's status endpoint says, and only when that answer fits the payment (pairing.ts). Every
 * delivery is recorded with what became of it; all are answered 2xx so FeexPay stops retrying,
 * except when the service itself fails (5xx, FeexPay delivers again).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookResult } from '../domain/webhook-results.ts';
import { normaliseStatus } from '../feexpay/status.ts';
import type { FeexPayClient, FeexPayFor, StatusResult } from '../feexpay/types.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { NO_TRACE, type TraceSteps } from '../observability/trace-steps.ts';
import type { Deliveries, NewDelivery } from '../payments/deliveries.ts';
import { pairs } from '../payments/pairing.ts';
import type { PaymentRepository, PaymentRow } from '../payments/repository.ts';
import type { SettleOutcome, Settler } from '../payments/settle.ts';

export interface WebhookPayload {
  reference: string;
  status?: string | null;
  callback_info?: string | null;
  amount?: number | null;
}

export interface WebhookDeps {
  payments: PaymentRepository;
  deliveries: Deliveries;
  settler: Settler;
  feexpay: FeexPayFor;
  metrics: ServiceMetrics;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RESULT_OF: Record<SettleOutcome, WebhookResult> = {
  settled: 'processed',
  already_final: 'duplicate',
  still_pending: 'unconfirmed',
  review: 'review',
};

type Decision = { result: WebhookResult; payment?: PaymentRow };

export function createWebhookHandler(deps: WebhookDeps) {
  // Asked of the FeexPay of the payment's own mode: a test payment's news is never checked with
  // FeexPay, and a live payment's never with the simulator.
  const status = (reference: string, payment: PaymentRow, trace: TraceSteps): Promise<StatusResult> =>
    trace.step('http.client', 'FeexPay status', () => deps.feexpay(payment.livemode).getStatus(reference));

  /** The payment holds this reference: FeexPay's answer is compared with it and applied. */
  async function forHolder(p: WebhookPayload, payment: PaymentRow, trace: TraceSteps): Promise<Decision> {
    if (payment.status !== 'pending' && payment.status !== 'needs_review') {
      // A closed payment is asked about again only when the webhook claims another outcome:
      // a success FeexPay confirms for an expired or failed payment is money to look at.
      const claimed = normaliseStatus(p.status)?.status;
      if (claimed === undefined || claimed === 'pending' || claimed === payment.status) return { result: 'duplicate', payment };
    }
    const st = await status(p.reference, payment, trace);
    if (st.kind !== 'found') {
      if (payment.status === 'pending') await deps.payments.reschedule(payment.id, new Date());
      return { result: 'unconfirmed', payment };
    }
    const outcome = await trace.step('db', 'settle', () => deps.settler.confirm(payment, st, 'webhook'));
    return { result: RESULT_OF[outcome], payment };
  }

  /**
   * The payment is named only by our id in callback_info (its request-to-pay answer was lost):
   * the reference is attached only if FeexPay's answer for it fits this payment.
   */
  async function forNamed(p: WebhookPayload, payment: PaymentRow, trace: TraceSteps): Promise<Decision> {
    const st = await status(p.reference, payment, trace);
    if (st.kind !== 'found') {
      // Kept in the delivery row: the reconciler tries it again before giving up on the payment.
      if (payment.status === 'pending') await deps.payments.reschedule(payment.id, new Date());
      return { result: 'unconfirmed', payment };
    }
    if (!pairs(payment, st)) return { result: 'pairing_mismatch', payment };
    const attached = await trace.step('db', 'store FeexPay reference', () => deps.payments.attachFeexPay(payment.id, { reference: p.reference }));
    if (attached === 'conflict') {
      await deps.settler.review(payment, 'contradictory_answers', 'webhook', { reference: st.reference, answer: st.answer });
      return { result: 'review', payment };
    }
    const outcome = await trace.step('db', 'settle', () => deps.settler.confirm(attached ?? payment, st, 'webhook'));
    return { result: RESULT_OF[outcome], payment };
  }

  async function decide(p: WebhookPayload, trace: TraceSteps): Promise<Decision> {
    const byRef = await trace.step('db', 'find payment', () => deps.payments.findByReference(p.reference));
    if (byRef) return forHolder(p, byRef, trace);
    const named = p.callback_info && UUID.test(p.callback_info) ? await deps.payments.findById(p.callback_info) : undefined;
    if (!named) return { result: 'unknown_reference' };
    // Request-to-pay's answer was stored between the two reads: the payment holds this reference now.
    if (named.feexpay_reference === p.reference) return forHolder(p, named, trace);
    if (named.feexpay_reference === null && (named.status === 'pending' || named.status === 'needs_review')) return forNamed(p, named, trace);
    // Our id, but a reference the payment does not hold. If FeexPay confirms that reference, it
    // says something about money that fits nothing we recorded: a person must look.
    const st = await status(p.reference, named, trace);
    if (st.kind !== 'found') return { result: 'unknown_reference', payment: named };
    if (!pairs(named, st)) return { result: 'pairing_mismatch', payment: named };
    await deps.settler.review(named, 'unknown_payment', 'webhook', { reference: st.reference, answer: st.answer });
    return { result: 'review', payment: named };
  }

  return async function handle(p: WebhookPayload, log: FastifyBaseLogger, trace: TraceSteps = NO_TRACE): Promise<WebhookResult> {
    const started = Date.now();
    let decision: Decision;
    try {
      decision = await decide(p, trace);
    } catch (err) {
      // The delivery is still recorded when the database lets us; the route answers 5xx.
      await deps.deliveries.record({ reference: p.reference, paymentId: null, claimedStatus: claimedOf(p), result: 'error' }).catch(() => undefined);
      throw err;
    }
    const { result, payment } = decision;
    await trace.step('db', 'record delivery', () =>
      deps.deliveries.record({
        reference: p.reference,
        paymentId: payment?.id ?? null,
        claimedStatus: claimedOf(p),
        result,
      }),
    );
    deps.metrics.webhookDeliveries.inc({ result });
    log.info(
      {
        event: 'webhook.received',
        feexpay_reference: p.reference,
        payment_id: payment?.id,
        claimed_status: claimedOf(p),
        result,
        duration_ms: Date.now() - started,
      },
      'FeexPay webhook handled',
    );
    return result;
  };
}

/** What the webhook claimed, as text PostgreSQL can store (no NUL, bounded). */
function claimedOf(p: WebhookPayload): string | null {
  return storable(p.status, 40);
}

/** A string as the database can keep it (NUL and lone surrogates replaced), cut to `max`; else null. */
function storable(value: unknown, max: number): string | null {
  return typeof value === 'string' ? value.slice(0, max).replace(/[\u0000\p{Cs}]/gu, '\uFFFD') : null;
}

/**
 * The record of a delivery refused before it was read (a body that fails validation): kept all the
 * same, so the deliveries table shows every call made with the token.
 */
export function rejectedDelivery(body: unknown): NewDelivery {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  return { reference: storable(b.reference, 100), paymentId: null, claimedStatus: storable(b.status, 40), result: 'rejected' };
}
