/**
 * Applies what FeexPay says about a payment. Shared by the API (immediate answers), the webhook,
 * the reconciler and operators, so a payment is settled the same way whichever path sees the
 * news first. The rule: only FeexPay's own answer (request-to-pay or the status endpoint) that
 * fits the payment moves money state; whatever does not fit goes to review, never to a guess.
 */
import type { Knex } from 'knex';
import type { FastifyBaseLogger } from 'fastify';
import { MONEY_AT_RISK_CAUSES, type FailureReason, type ReviewCause, type TransitionSource } from '../domain/payment-status.ts';
import type { FeexPayStatus, FoundStatus } from '../feexpay/types.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { mismatchOf } from './pairing.ts';
import type { PaymentRepository, PaymentRow } from './repository.ts';
import type { ReviewItemRow, ReviewItems } from './review-items.ts';

export interface SettlerDeps {
  db: Knex;
  payments: PaymentRepository;
  reviews: ReviewItems;
  metrics: ServiceMetrics;
  log: FastifyBaseLogger;
  /** Told of every final transition (success-rate watch, notifications). */
  onFinished?: (row: PaymentRow) => void;
  /** Told of every new review item, so a person hears of it. */
  onReview?: (item: ReviewItemRow, payment: PaymentRow | undefined) => void;
}

export type SettleOutcome = 'settled' | 'still_pending' | 'already_final' | 'review';

/** What FeexPay said, kept with a review item. */
export interface Evidence {
  reference?: string | null;
  answer?: Record<string, unknown> | null;
}

/** The review item a confirmed final status opens on a payment already closed otherwise, if any. */
function contradiction(current: PaymentRow['status'], confirmed: FeexPayStatus): ReviewCause | undefined {
  if (confirmed === 'successful' && current === 'expired') return 'late_success';
  if (confirmed === 'successful' && current === 'failed') return 'contradictory_answers';
  if (confirmed === 'failed' && current === 'successful') return 'contradictory_answers';
  return undefined;
}

export function createSettler(deps: SettlerDeps) {
  function recordFinal(row: PaymentRow): void {
    const reason = row.failure_reason ?? 'none';
    // Test payments are no money: they never reach the money metrics, alerts or the success-rate watch.
    if (!row.livemode) deps.metrics.testModePayments.inc({ event: 'finished' });
    else deps.metrics.paymentsFinished.inc({ network: row.network, outcome: row.status as 'successful' | 'failed' | 'expired', reason });
    if (row.status === 'successful' && row.livemode) {
      deps.metrics.amountCollected.inc({ network: row.network, currency: row.currency }, Number(row.amount));
    }
    deps.log.info(
      {
        event: 'payment.transition',
        payment_id: row.id,
        feexpay_reference: row.feexpay_reference,
        to: row.status,
        source: row.status_source,
        reason: row.failure_reason,
        amount: Number(row.amount),
        currency: row.currency,
        network: row.network,
        duration_ms: new Date(row.updated_at).getTime() - new Date(row.created_at).getTime(),
        livemode: row.livemode,
      },
      'payment transition',
    );
    if (row.livemode) deps.onFinished?.(row);
  }

  function recordItem(item: ReviewItemRow, payment: PaymentRow | undefined): void {
    if (payment && !payment.livemode) {
      // A test payment under review is the merchant's sandbox outcome, not an operator's job.
      deps.log.info({ event: 'payment.review', review_item: item.id, payment_id: item.payment_id, cause: item.cause, livemode: false }, 'test payment under review');
      return;
    }
    deps.metrics.reviewItemsOpened.inc({ cause: item.cause });
    const line = { event: 'payment.review', review_item: item.id, payment_id: item.payment_id, cause: item.cause, feexpay_reference: item.feexpay_reference };
    if (MONEY_AT_RISK_CAUSES.includes(item.cause)) deps.log.error(line, 'FeexPay reports money on a closed payment: review item opened');
    else deps.log.warn(line, 'outcome not established: review item opened');
    deps.onReview?.(item, payment);
  }

  /**
   * Moves to a final state. A payment under review is settled by FeexPay's confirmed answer too;
   * the database then closes its open items in the same statement (migration 003), naming the
   * operator of `detail` or FeexPay.
   */
  async function settle(
    payment: PaymentRow,
    to: 'successful' | 'failed' | 'expired',
    source: TransitionSource,
    reason: FailureReason | null,
    detail: Record<string, unknown> | null = null,
  ): Promise<SettleOutcome> {
    const row = await deps.payments.transition(deps.db, payment.id, to, source, reason, detail);
    if (!row) return 'already_final';
    recordFinal(row);
    return 'settled';
  }

  /** Sends a payment to review (or adds an item to one already there, or closed), with what FeexPay said. */
  async function review(payment: PaymentRow, cause: ReviewCause, source: TransitionSource, evidence: Evidence = {}): Promise<SettleOutcome> {
    const item = await deps.db.transaction(async (trx) => {
      if (payment.status === 'pending') {
        await deps.payments.transition(trx, payment.id, 'needs_review', source, null, { review_cause: cause });
      }
      return deps.reviews.open(trx, { paymentId: payment.id, cause, reference: evidence.reference ?? payment.feexpay_reference, answer: evidence.answer });
    });
    if (payment.status === 'pending' && payment.livemode) deps.metrics.paymentsToReview.inc({ network: payment.network, cause });
    if (item) recordItem(item, payment);
    return 'review';
  }

  return {
    review,

    /** An item with no payment of ours to hang on (FeexPay confirmed a reference we never issued). */
    async reviewUnknown(cause: ReviewCause, evidence: Evidence): Promise<void> {
      const item = await deps.reviews.open(deps.db, { paymentId: null, cause, reference: evidence.reference, answer: evidence.answer });
      if (item) recordItem(item, undefined);
    },

    /**
     * Applies FeexPay's status answer for the reference the payment holds: a fact that disagrees
     * with the payment, or a final answer that contradicts its closed state, opens a review.
     */
    async confirm(payment: PaymentRow, st: FoundStatus, source: TransitionSource, detail: Record<string, unknown> | null = null): Promise<SettleOutcome> {
      const evidence = { reference: st.reference, answer: st.answer };
      if (payment.status !== 'pending' && payment.status !== 'needs_review') {
        const cause = contradiction(payment.status, st.status);
        return cause ? review(payment, cause, source, evidence) : 'already_final';
      }
      const mismatch = mismatchOf(payment, st);
      if (mismatch) return review(payment, mismatch, source, evidence);
      if (st.status === 'pending') return 'still_pending';
      return settle(payment, st.status, source, st.status === 'failed' ? (st.reason ?? 'unknown') : null, detail);
    },

    /** Applies the status of FeexPay's answer to request-to-pay (no amount or phone to compare there). */
    async applyAnswer(payment: PaymentRow, status: FeexPayStatus, source: TransitionSource, reason?: FailureReason): Promise<SettleOutcome> {
      if (payment.status !== 'pending') return 'already_final';
      if (status === 'pending') return 'still_pending';
      return settle(payment, status, source, status === 'failed' ? (reason ?? 'unknown') : null);
    },

    async fail(payment: PaymentRow, source: TransitionSource, reason: FailureReason): Promise<SettleOutcome> {
      return settle(payment, 'failed', source, reason);
    },

    /** Only when FeexPay itself still said pending at the final check. */
    async expire(payment: PaymentRow): Promise<SettleOutcome> {
      return settle(payment, 'expired', 'reconciler', null);
    },

    /** An operator's decision on a payment under review, named in its audit row. */
    async decide(payment: PaymentRow, to: 'successful' | 'failed', operator: string, reason: string): Promise<SettleOutcome> {
      return settle(payment, to, 'operator', to === 'failed' ? 'operator_decision' : null, { operator, reason });
    },
  };
}

export type Settler = ReturnType<typeof createSettler>;
