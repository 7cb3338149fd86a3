/**
 * FeexPay's callback is unsigned, so its body is only a hint: the payment moves only on what
 * FeexPay's status endpoint says. Every delivery is recorded; duplicates, late re-sends and
 * unknown references are answered 2xx so FeexPay stops retrying.
 */
import type { Knex } from 'knex';
import type { FastifyBaseLogger } from 'fastify';
import { NO_TRACE, type TraceSteps } from '../observability/trace-steps.ts';
import type { FeexPayClient } from '../feexpay/types.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import type { PaymentRepository, PaymentRow } from '../payments/repository.ts';
import type { Settler } from '../payments/settle.ts';

export interface WebhookPayload {
  reference: string;
  status?: string | null;
  callback_info?: string | null;
  amount?: number | null;
}

export type WebhookResult = 'processed' | 'duplicate' | 'unknown_reference' | 'error' | 'rejected';

/** A string as the database can keep it (no NUL, no lone surrogate), cut to `max`; else null. */
function storable(value: unknown, max: number): string | null {
  return typeof value === 'string' ? value.slice(0, max).replace(/[\u0000\p{Cs}]/gu, '\uFFFD') : null;
}

/**
 * The row for a delivery refused before it was read (a body that fails validation): recorded all
 * the same, so the deliveries table shows every call FeexPay (or someone with the token) made.
 */
export function rejectedDelivery(body: unknown): { reference: string | null; claimed_status: string | null; result: WebhookResult } {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  return { reference: storable(b.reference, 100), claimed_status: storable(b.status, 40), result: 'rejected' };
}

export interface WebhookDeps {
  db: Knex;
  payments: PaymentRepository;
  settler: Settler;
  feexpay: () => FeexPayClient;
  metrics: ServiceMetrics;
  onAnomaly?: (message: string, payment: PaymentRow) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createWebhookHandler(deps: WebhookDeps) {
  /** By reference, or by our id echoed in callback_info when FeexPay called back before we stored the reference. */
  async function findPayment(p: WebhookPayload): Promise<PaymentRow | undefined> {
    const byRef = await deps.payments.findByReference(p.reference);
    if (byRef) return byRef;
    if (p.callback_info && UUID.test(p.callback_info)) {
      const byId = await deps.payments.findById(p.callback_info);
      if (byId && byId.feexpay_reference === null) return byId;
    }
    return undefined;
  }

  async function decide(p: WebhookPayload, log: FastifyBaseLogger, trace: TraceSteps): Promise<{ result: WebhookResult; payment?: PaymentRow }> {
    const payment = await trace.step('db', 'find payment', () => findPayment(p));
    if (!payment) return { result: 'unknown_reference' };
    if (payment.status !== 'pending') {
      const claimed = p.status?.toUpperCase();
      if (claimed?.startsWith('SUCCESS') && payment.status !== 'successful') {
        // Money may have been taken for a payment we already closed: a person must look.
        deps.onAnomaly?.('FeexPay reports success for a payment already closed', payment);
        log.error({ event: 'webhook.late_success', payment_id: payment.id, status: payment.status }, 'late success on a closed payment');
      }
      return { result: 'duplicate', payment };
    }
    const status = await trace.step('http.client', 'FeexPay status', () => deps.feexpay().getStatus(p.reference));
    if (status.kind !== 'found') {
      // A payment known only by our id (request-to-pay timed out) gets the webhook's reference
      // now: without it the reconciler has nothing to ask FeexPay and would expire the payment
      // whatever FeexPay decided. Not on not_found: FeexPay disowns that reference.
      if (status.kind === 'unavailable' && payment.feexpay_reference === null) {
        await deps.payments.attachFeexPay(payment.id, { reference: p.reference });
      }
      // Leave it to the reconciler, soon: the delivery is recorded and FeexPay need not retry.
      await deps.payments.reschedule(payment.id, new Date());
      return { result: 'error', payment };
    }
    const current = payment.feexpay_reference ? payment : ((await deps.payments.attachFeexPay(payment.id, { reference: p.reference })) ?? payment);
    const outcome = await trace.step('db', 'settle', () => deps.settler.apply(current, status.status, 'webhook', status.reason, status.amount));
    if (outcome === 'already_final') return { result: 'duplicate', payment };
    if (outcome === 'anomaly') return { result: 'error', payment };
    return { result: 'processed', payment };
  }

  return async function handle(p: WebhookPayload, log: FastifyBaseLogger, trace: TraceSteps = NO_TRACE): Promise<WebhookResult> {
    const started = Date.now();
    const { result, payment } = await decide(p, log, trace);
    await trace.step('db', 'record delivery', () => deps.db('webhook_deliveries').insert({
      reference: p.reference,
      payment_id: payment?.id ?? null,
      claimed_status: storable(p.status, 40),
      result,
    }));
    deps.metrics.webhookDeliveries.inc({ result });
    log.info(
      {
        event: 'webhook.received',
        feexpay_reference: p.reference,
        payment_id: payment?.id,
        claimed_status: p.status,
        result,
        duration_ms: Date.now() - started,
      },
      'FeexPay webhook handled',
    );
    return result;
  };
}
