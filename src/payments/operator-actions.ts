/**
 * What operators do with payments under review: attach the FeexPay reference they found in
 * FeexPay's dashboard (confirmed with FeexPay and the pairing checks before anything settles),
 * decide an outcome with a reason, one by one or in bulk, and close review items on payments that
 * are already final. Every decision lands in the audit trail with the operator's name.
 */
import type { Knex } from 'knex';
import type { Network } from '../domain/networks.ts';
import type { ReviewCause } from '../domain/payment-status.ts';
import type { FeexPayClient, FeexPayFor } from '../feexpay/types.ts';
import { pairs } from './pairing.ts';
import type { PaymentRepository, PaymentRow } from './repository.ts';
import type { ReviewItemRow, ReviewItems } from './review-items.ts';
import type { Settler } from './settle.ts';

export interface OperatorDeps {
  db: Knex;
  payments: PaymentRepository;
  reviews: ReviewItems;
  settler: Settler;
  feexpay: FeexPayFor;
}

export type AttachOutcome =
  | { kind: 'settled' | 'review'; payment: PaymentRow }
  | { kind: 'not_found' | 'not_in_review' | 'has_reference' | 'reference_taken' | 'feexpay_unknown' | 'feexpay_unavailable' | 'does_not_pair' | 'still_pending' };

export type DecideOutcome = { kind: 'settled'; payment: PaymentRow } | { kind: 'not_found' | 'not_in_review' };

export interface BulkFilter {
  cause?: ReviewCause;
  network?: Network;
  createdGte?: Date;
  createdLt?: Date;
  paymentIds?: string[];
}

export interface Decision {
  status: 'successful' | 'failed';
  operator: string;
  reason: string;
}

/** At most this many payments per bulk call: a larger backlog is decided in several calls. */
export const BULK_LIMIT = 1000;

export function createOperatorActions(deps: OperatorDeps) {
  const current = (id: string) => deps.payments.findById(id);

  async function decide(paymentId: string, d: Decision): Promise<DecideOutcome> {
    const payment = await current(paymentId);
    if (!payment) return { kind: 'not_found' };
    if (payment.status !== 'needs_review') return { kind: 'not_in_review' };
    if ((await deps.settler.decide(payment, d.status, d.operator, d.reason)) !== 'settled') return { kind: 'not_in_review' };
    return { kind: 'settled', payment: (await current(paymentId))! };
  }

  return {
    decide,

    async attachReference(paymentId: string, reference: string, operator: string): Promise<AttachOutcome> {
      const payment = await current(paymentId);
      if (!payment) return { kind: 'not_found' };
      if (payment.status !== 'needs_review') return { kind: 'not_in_review' };
      if (payment.feexpay_reference !== null) return { kind: 'has_reference' };
      const st = await deps.feexpay(payment.livemode).getStatus(reference);
      if (st.kind === 'not_found') return { kind: 'feexpay_unknown' };
      if (st.kind === 'unavailable') return { kind: 'feexpay_unavailable' };
      if (!pairs(payment, st)) return { kind: 'does_not_pair' };
      // Nothing is attached while FeexPay still says pending: the operator tries again later.
      if (st.status === 'pending') return { kind: 'still_pending' };
      const attached = await deps.payments.attachFeexPay(payment.id, { reference });
      if (attached === 'conflict') return { kind: 'reference_taken' };
      const outcome = await deps.settler.confirm(attached ?? payment, st, 'operator', { operator, reason: `reference attached by ${operator}, confirmed by FeexPay` });
      return { kind: outcome === 'settled' ? 'settled' : 'review', payment: (await current(paymentId))! };
    },

    /** Decides every payment under review that the filter selects; each gets its own audit row. */
    async decideMany(filter: BulkFilter, d: Decision, dryRun: boolean): Promise<{ matched: number; decided: string[]; skipped: string[] }> {
      const q = deps.db('payments').select('id').where('status', 'needs_review').orderBy('created_at').limit(BULK_LIMIT);
      if (filter.network) q.andWhere('network', filter.network);
      if (filter.createdGte) q.andWhere('created_at', '>=', filter.createdGte);
      if (filter.createdLt) q.andWhere('created_at', '<', filter.createdLt);
      if (filter.paymentIds) q.whereIn('id', filter.paymentIds);
      if (filter.cause) {
        q.whereExists(deps.db('review_items').select(deps.db.raw('1')).whereRaw('review_items.payment_id = payments.id').whereNull('resolved_at').andWhere('cause', filter.cause));
      }
      const ids = (await q).map((r: { id: string }) => r.id);
      if (dryRun) return { matched: ids.length, decided: [], skipped: [] };
      const decided: string[] = [];
      const skipped: string[] = [];
      for (const id of ids) ((await decide(id, d)).kind === 'settled' ? decided : skipped).push(id);
      return { matched: ids.length, decided, skipped };
    },

    /**
     * Closes a review item whose payment is final (a late success: refunded out of band, say) or
     * that has no payment. Items of a payment under review close with the payment's decision.
     */
    async resolveItem(
      itemId: string,
      operator: string,
      resolution: string,
      note: string,
    ): Promise<{ kind: 'resolved'; item: ReviewItemRow } | { kind: 'not_found' | 'already_resolved' | 'decide_payment' }> {
      const item = await deps.reviews.find(itemId);
      if (!item) return { kind: 'not_found' };
      if (item.resolved_at) return { kind: 'already_resolved' };
      const payment = item.payment_id ? await current(item.payment_id) : undefined;
      if (payment?.status === 'needs_review') return { kind: 'decide_payment' };
      const resolved = await deps.db.transaction(async (trx) => {
        const [row] = await deps.reviews.resolveOpen(trx, { id: itemId }, { by: operator, resolution, note });
        if (row && payment) {
          // The payment's audit trail shows the resolution, though its status does not change.
          await trx('payment_events').insert({
            payment_id: payment.id,
            from_status: payment.status,
            to_status: payment.status,
            source: 'operator',
            detail: JSON.stringify({ review_item: Number(itemId), cause: item.cause, resolution, reason: note, operator }),
          });
        }
        return row;
      });
      return resolved ? { kind: 'resolved', item: resolved } : { kind: 'already_resolved' };
    },
  };
}

export type OperatorActions = ReturnType<typeof createOperatorActions>;
