/** GET /v1/fees?network=&amount=: what the customer pays in total, from FeexPay's fee preview. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.ts';
import { AMOUNT_LIMITS } from '../../domain/networks.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { FeesQuery, FeesView } from '../../schemas/collection.ts';
import { ErrorBody } from '../../schemas/payment.ts';

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
        summary: "Preview FeexPay's fees for an amount on an operator",
        security: [{ apiKey: [] }],
        querystring: FeesQuery,
        response: { 200: FeesView, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => {
      const amount = Number(req.query.amount);
      if (amount < AMOUNT_LIMITS.min || amount > AMOUNT_LIMITS.max) {
        throw new ApiError(400, 'amount_out_of_range', `query.amount must be between ${AMOUNT_LIMITS.min} and ${AMOUNT_LIMITS.max}`);
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
