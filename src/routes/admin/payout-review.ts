/**
 * POST /admin/api/payouts/:id/decision: an operator settles a payout under review as successful
 * or failed, once FeexPay (its dashboard, its support) has said what became of the money. The
 * decision is in the payout's audit row with the operator's name and reason, and closes its
 * open review items in the same transaction (migration 006).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../plugins/app/errors.ts';
import { DecisionBody, PaymentIdParams } from '../../schemas/review.ts';

const payoutReviewApi: FastifyPluginAsync = async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/payouts/:id/decision', { schema: { hide: true, params: PaymentIdParams, body: DecisionBody } }, async (req) => {
    const payout = await app.payouts.repo.findById(req.params.id);
    if (!payout) throw new ApiError(404, 'payout_not_found', 'No such payout.');
    if (payout.status !== 'needs_review') throw new ApiError(409, 'payout_not_in_review', 'The payout is not waiting for review.');
    const outcome = await app.payouts.settler.decide(payout, req.body.status, req.body.operator, req.body.reason);
    if (outcome !== 'settled') throw new ApiError(409, 'payout_not_in_review', 'The payout was settled meanwhile.');
    req.log.info({ event: 'review.payout_decided', payout_id: payout.id, to: req.body.status }, 'operator decided a payout under review');
    return { result: 'settled', payout_status: req.body.status };
  });
};

export default payoutReviewApi;
