/**
 * The operators' review API under /admin/api: list what needs a person, and resolve it. The admin
 * page calls the same routes, so operations can script whatever the page does.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ErrorCode } from '../../schemas/errors.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import type { AttachOutcome } from '../../payments/operator-actions.ts';
import type { PaymentRow } from '../../payments/repository.ts';
import type { ReviewItemRow } from '../../payments/review-items.ts';
import { AttachReferenceBody, BulkDecisionBody, DecisionBody, ItemIdParams, PaymentIdParams, ResolutionBody, ReviewItemsQuery } from '../../schemas/review.ts';

const PAGE = 100;

/** How an attach attempt that changed nothing is answered. */
const ATTACH_ERRORS: Record<Exclude<AttachOutcome['kind'], 'settled' | 'review'>, [number, ErrorCode, string]> = {
  not_found: [404, 'payment_not_found', 'No such payment.'],
  not_in_review: [409, 'payment_not_in_review', 'The payment is not waiting for review.'],
  has_reference: [409, 'payment_has_reference', 'The payment already holds a FeexPay reference: decide it instead.'],
  reference_taken: [409, 'reference_taken', 'Another payment already holds this FeexPay reference.'],
  feexpay_unknown: [409, 'feexpay_unknown_reference', 'FeexPay does not know this reference.'],
  feexpay_unavailable: [503, 'feexpay_unavailable', 'FeexPay did not answer usably; nothing changed, try again.'],
  does_not_pair: [409, 'reference_does_not_pair', "FeexPay's answer for this reference does not match the payment (amount, phone number, network or our id)."],
  still_pending: [409, 'feexpay_still_pending', 'FeexPay still says pending for this reference; nothing was attached, try again later.'],
};

const RESOLVE_ERRORS: Record<'not_found' | 'already_resolved' | 'decide_payment', [number, ErrorCode, string]> = {
  not_found: [404, 'review_item_not_found', 'No such review item.'],
  already_resolved: [409, 'review_item_resolved', 'The review item is already resolved.'],
  decide_payment: [409, 'payment_in_review', 'This item closes with its payment: decide the payment or attach its reference.'],
};

function viewItem(item: ReviewItemRow, payment: PaymentRow | undefined) {
  return {
    id: String(item.id),
    cause: item.cause,
    payout_id: item.payout_id ?? null,
    feexpay_reference: item.feexpay_reference,
    feexpay_answer: item.feexpay_answer,
    created_at: new Date(item.created_at).toISOString(),
    resolved_at: item.resolved_at ? new Date(item.resolved_at).toISOString() : null,
    resolved_by: item.resolved_by,
    resolution: item.resolution,
    resolution_note: item.resolution_note,
    payment: payment
      ? {
          id: payment.id,
          merchant_id: payment.merchant_id,
          status: payment.status,
          amount: Number(payment.amount),
          currency: payment.currency,
          network: payment.network,
          phone_last4: payment.phone_number.slice(-4),
          feexpay_reference: payment.feexpay_reference,
          livemode: payment.livemode,
          created_at: new Date(payment.created_at).toISOString(),
          expires_at: new Date(payment.expires_at).toISOString(),
        }
      : null,
  };
}

const reviewApi: FastifyPluginAsync = async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { reviews, repo, operators } = app.payments;

  app.get('/review-items', { schema: { hide: true, querystring: ReviewItemsQuery } }, async (req) => {
    const q = req.query;
    const items = await reviews.list({
      open: q.open === undefined ? true : q.open === 'true',
      livemode: q.mode !== 'test',
      cause: q.cause,
      paymentId: q.payment_id,
      beforeId: q.before,
      limit: PAGE,
    });
    const payments = new Map<string, PaymentRow>();
    for (const id of new Set(items.map((i) => i.payment_id).filter((v): v is string => v !== null))) {
      const p = await repo.findById(id);
      if (p) payments.set(id, p);
    }
    return {
      object: 'list',
      data: items.map((i) => viewItem(i, i.payment_id ? payments.get(i.payment_id) : undefined)),
      next_before: items.length === PAGE ? String(items.at(-1)!.id) : null,
    };
  });

  app.post('/payments/:id/reference', { schema: { hide: true, params: PaymentIdParams, body: AttachReferenceBody } }, async (req) => {
    const outcome = await operators.attachReference(req.params.id, req.body.reference, req.body.operator);
    if (outcome.kind !== 'settled' && outcome.kind !== 'review') throw new ApiError(...ATTACH_ERRORS[outcome.kind]);
    req.log.info({ event: 'review.reference_attached', payment_id: req.params.id, result: outcome.kind }, 'operator attached a FeexPay reference');
    return { result: outcome.kind, payment_status: outcome.payment.status };
  });

  app.post('/payments/:id/decision', { schema: { hide: true, params: PaymentIdParams, body: DecisionBody } }, async (req) => {
    const outcome = await operators.decide(req.params.id, { status: req.body.status, operator: req.body.operator, reason: req.body.reason });
    if (outcome.kind !== 'settled') throw new ApiError(...ATTACH_ERRORS[outcome.kind]);
    req.log.info({ event: 'review.decided', payment_id: req.params.id, to: req.body.status }, 'operator decided a payment under review');
    return { result: 'settled', payment_status: outcome.payment.status };
  });

  app.post('/payments/decisions', { schema: { hide: true, body: BulkDecisionBody } }, async (req) => {
    const { filter: f, status, reason, operator } = req.body;
    const result = await operators.decideMany(
      {
        cause: f.cause,
        network: f.network,
        createdGte: f.created_gte ? new Date(f.created_gte) : undefined,
        createdLt: f.created_lt ? new Date(f.created_lt) : undefined,
        paymentIds: f.payment_ids,
      },
      { status, operator, reason },
      req.body.dry_run === true,
    );
    req.log.info(
      { event: 'review.bulk_decided', matched: result.matched, decided: result.decided.length, to: status, dry_run: req.body.dry_run === true },
      'operator bulk decision',
    );
    return { dry_run: req.body.dry_run === true, matched: result.matched, decided: result.decided.length, skipped: result.skipped.length, payment_ids: result.decided };
  });

  app.post('/review-items/:id/resolution', { schema: { hide: true, params: ItemIdParams, body: ResolutionBody } }, async (req) => {
    const outcome = await operators.resolveItem(req.params.id, req.body.operator, req.body.resolution, req.body.note);
    if (outcome.kind !== 'resolved') throw new ApiError(...RESOLVE_ERRORS[outcome.kind]);
    req.log.info({ event: 'review.item_resolved', review_item: req.params.id, resolution: req.body.resolution }, 'operator resolved a review item');
    return viewItem(outcome.item, undefined);
  });
};

export default reviewApi;
