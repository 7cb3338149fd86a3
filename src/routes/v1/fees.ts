/** GET /v1/fees?network=&amount=: what the customer pays in total, from FeexPay's fee preview. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.ts';
import { AMOUNT_LIMITS } from '../../domain/networks.ts';
import { ApiError, fieldError } from '../../plugins/app/errors.ts';
import { FeesQuery, FeesView } from '../../schemas/collection.ts';
import { errorResponses } from '../../schemas/errors.ts';
import { answer } from '../../schemas/responses.ts';

const routes: FastifyPluginAsync<{ config: Config }> = async (root, { config }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const perKey = app.rateLimit({
    max: config.rateLimit.perKeyPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => 'key:' + (req.merchant?.id ?? req.ip),
  });

  app.get(
    '/fees',
    {
      onRequest: [app.authenticateMerchant, perKey],
      schema: {
        operationId: 'previewFees',
        tags: ['Fees'],
        summary: "Preview FeexPay's fees for an amount on an operator",
        security: [{ apiKey: [] }],
        querystring: FeesQuery,
        response: {
          200: answer(FeesView, 'What FeexPay charges, and what the customer pays in total.'),
          ...errorResponses(['validation_failed', 'amount_out_of_range', 'fee_preview_unavailable']),
        },
      },
    },
    async (req, reply) => {
      const { amount } = req.query;
      if (amount < AMOUNT_LIMITS.min || amount > AMOUNT_LIMITS.max) {
        throw fieldError('amount_out_of_range', 'query.amount', `must be between ${AMOUNT_LIMITS.min} and ${AMOUNT_LIMITS.max}`);
      }
      const preview = await app.feexpay(req.merchant!.livemode).feePreview(req.query.network, amount);
      if (preview.kind !== 'ok') {
        reply.header('retry-after', '30');
        throw new ApiError(503, 'fee_preview_unavailable', 'FeexPay did not answer the fee preview; retry later.');
      }
      return {
        object: 'fee_preview' as const,
        network: req.query.network,
        amount: preview.amount,
        fees: preview.fees,
        total: preview.total,
        customer_pays_fees: preview.customerPaysFees,
      };
    },
  );
};

export default routes;
