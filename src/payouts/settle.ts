/**
 * Applies what FeexPay says about a payout, for the API (the transfer's answer), the payout
 * reconciler and operators alike. The rule is the payments' one: only FeexPay's own answer that
 * fits the payout moves it; whatever cannot be established goes to review, never to a guess.
 * For money going out that matters twice: a payout wrongly marked failed invites the merchant to
 * send the money again.
 *
 * Merchant events (payout.succeeded, payout.failed, payout.needs_review) are not sent yet. The
 * hook is the database, as for payments (migration 004's payments_merchant_event): a trigger on
 * payouts' status changes inserting into events and event_deliveries in the transition's own
 * transaction, once events has a payout_id column, EVENT_TYPES the three types and the events
 * API a payout presentation.
 */
import type { Knex } from 'knex';
import type { FastifyBaseLogger } from 'fastify';
import type { FailureReason, ReviewCause } from '../domain/payment-status.ts';
import type { PayoutSource } from '../domain/payouts.ts';
import type { FeexPayStatus, FoundStatus } from '../feexpay/types.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { mismatchOf } from '../payments/pairing.ts';
import type { Evidence } from '../payments/settle.ts';
import type { ReviewItemRow, ReviewItems } from '../payments/review-items.ts';
import type { PayoutRepository, PayoutRow } from './repository.ts';

export interface PayoutSettlerDeps {
  db: Knex;
  payouts: PayoutRepository;
  reviews: ReviewItems;
  metrics: ServiceMetrics;
  log: FastifyBaseLogger;
  /** Told of every new review item, so a person hears of it. */
  onReview?: (item: ReviewItemRow) => void;
}

export type PayoutSettleOutcome = 'settled' | 'still_pending' | 'already_final' | 'review';

export function createPayoutSettler(deps: PayoutSettlerDeps) {
  /** `fromPending`: the payout's first move, counted once by outcome (a review settled later is not counted again). */
  function record(row: PayoutRow, fromPending: boolean): void {
    // Test payouts are no money: they stay out of the money metrics (and their alerts).
    if (fromPending && row.livemode)
      deps.metrics.payoutOutcomes.inc({ network: row.network, outcome: row.status as 'successful' | 'failed' | 'needs_review', reason: row.failure_reason ?? 'none' });
    if (row.status === 'successful' && row.livemode) deps.metrics.amountPaidOut.inc({ network: row.network, currency: row.currency }, Number(row.amount));
    deps.log.info(
      {
        event: 'payout.transition',
        payout_id: row.id,
        feexpay_reference: row.feexpay_reference,
        to: row.status,
        source: row.status_source,
        reason: row.failure_reason,
        amount: Number(row.amount),
        currency: row.currency,
        network: row.network,
        livemode: row.livemode,
      },
      'payout transition',
    );
  }

  async function settle(
    p: PayoutRow,
    to: 'successful' | 'failed',
    source: PayoutSource,
    reason: FailureReason | null,
    detail: Record<string, unknown> | null = null,
  ): Promise<PayoutSettleOutcome> {
    const row = await deps.payouts.transition(deps.db, p.id, to, source, reason, detail);
    if (!row) return 'already_final';
    record(row, p.status === 'pending');
    return 'settled';
  }

  /** Sends a payout to review (or adds an item to one already there, or closed), with what FeexPay said. */
  async function review(p: PayoutRow, cause: ReviewCause, source: PayoutSource, evidence: Evidence = {}): Promise<PayoutSettleOutcome> {
    const { moved, item } = await deps.db.transaction(async (trx) => {
      const moved = p.status === 'pending' ? await deps.payouts.transition(trx, p.id, 'needs_review', source, null, { review_cause: cause }) : undefined;
      const item = await deps.reviews.open(trx, { paymentId: null, payoutId: p.id, cause, reference: evidence.reference ?? p.feexpay_reference, answer: evidence.answer });
      return { moved, item };
    });
    if (moved) record(moved, true);
    if (item && !p.livemode) {
      deps.log.info({ event: 'payout.review', review_item: item.id, payout_id: p.id, cause, livemode: false }, 'test payout under review');
    } else if (item) {
      deps.metrics.reviewItemsOpened.inc({ cause: item.cause });
      deps.log.warn(
        { event: 'payout.review', review_item: item.id, payout_id: p.id, cause, feexpay_reference: item.feexpay_reference },
        'payout outcome not established: review item opened',
      );
      deps.onReview?.(item);
    }
    return 'review';
  }

  return {
    review,

    /** The transfer's own answer: FeexPay may state the outcome at once. */
    async applyAnswer(p: PayoutRow, status: FeexPayStatus, reason?: FailureReason): Promise<PayoutSettleOutcome> {
      if (status === 'pending') return 'still_pending';
      return settle(p, status, 'api', status === 'failed' ? (reason ?? 'unknown') : null);
    },

    /** FeexPay refused the transfer outright: nothing was sent. */
    async refused(p: PayoutRow, reason: FailureReason): Promise<PayoutSettleOutcome> {
      return settle(p, 'failed', 'api', reason);
    },

    /**
     * FeexPay's status for the payout's reference: believed only when its amount and phone number
     * fit; a final answer contradicting a closed payout opens a review item.
     */
    async confirm(p: PayoutRow, st: FoundStatus, source: PayoutSource): Promise<PayoutSettleOutcome> {
      const evidence = { reference: st.reference, answer: st.answer };
      if (p.status === 'successful' || p.status === 'failed') {
        const contradicts = st.status !== 'pending' && st.status !== p.status;
        return contradicts ? review(p, 'contradictory_answers', source, evidence) : 'already_final';
      }
      const mismatch = mismatchOf(p, st);
      if (mismatch) return review(p, mismatch, source, evidence);
      if (st.status === 'pending') return 'still_pending';
      return settle(p, st.status, source, st.status === 'failed' ? (st.reason ?? 'unknown') : null);
    },

    /** An operator's decision on a payout under review, named in its audit row. */
    async decide(p: PayoutRow, to: 'successful' | 'failed', operator: string, reason: string): Promise<PayoutSettleOutcome> {
      return settle(p, to, 'operator', to === 'failed' ? 'operator_decision' : null, { operator, reason });
    },
  };
}

export type PayoutSettler = ReturnType<typeof createPayoutSettler>;
