/** The merchant API for payouts: send money to a phone, read and list payouts. Needs the `payouts` scope. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NETWORK_INFO } from '../../domain/networks.ts';
import { PAYOUT_LIMITS, payoutMinimum } from '../../domain/payouts.ts';
import { presentPayout } from '../../payouts/present.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { ErrorBody, IdempotencyHeaders, PaymentParams } from '../../schemas/payment.ts';
import { CreatePayoutBody, ListPayoutsQuery, PayoutList, PayoutView } from '../../schemas/payout.ts';
import type { Config } from '../../config.ts';
import { idempotencyKeyOf, listPage, pageRequest, replyToTakenKey } from './common.ts';

/** What the schema cannot say: the number's format, the currency and the minimum depend on the operator's country. */
function checkAgainstNetwork(body: CreatePayoutBody): void {
  const info = NETWORK_INFO[body.network];
  if (!info.phone.test(body.phone_number)) {
    throw new ApiError(400, 'invalid_phone_number', `body.phone_number is not a valid ${body.network} number (country code ${info.country}, digits only)`);
  }
  if (body.currency !== info.currency) throw new ApiError(400, 'currency_mismatch', `body.currency must be ${info.currency} for ${body.network}`);
  const min = payoutMinimum(info.country);
  if (body.amount < min) {
    throw new ApiError(400, 'amount_out_of_range', `body.amount must be between ${min} and ${PAYOUT_LIMITS.max} for a payout in ${info.country}`);
  }
}

const routes: FastifyPluginAsync<{ config: Config }> = async (root, { config }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const perKey = app.rateLimit({
    max: config.rateLimit.perKeyPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => 'key:' + (req.merchant?.id ?? req.ip),
  });
  const guard = [app.authenticateMerchant, app.requireScope('payouts'), perKey];
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody, 503: ErrorBody };

  app.post(
    '/payouts',
    {
      onRequest: guard,
      schema: {
        summary: 'Send money to a mobile-money number',
        description: 'Needs an API key with the payouts scope. Counts against the merchant\'s daily payout cap (422 payout_cap_exceeded past it).',
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        body: CreatePayoutBody,
        response: { 200: PayoutView, 201: PayoutView, ...errors },
      },
    },
    async (req, reply) => {
      const key = idempotencyKeyOf(req);
      checkAgainstNetwork(req.body);
      const outcome = await app.payouts.create(req.merchant!, key, req.body, req.log);
      if (outcome.kind === 'created') return reply.status(201).send(outcome.payout);
      if (outcome.kind === 'cap_exceeded') {
        throw new ApiError(
          422,
          'payout_cap_exceeded',
          `body.amount would take today's payouts past the daily cap of ${outcome.cap} ${req.body.currency} (${outcome.used} used, UTC day).`,
        );
      }
      return replyToTakenKey(reply, outcome);
    },
  );

  app.get(
    '/payouts/:id',
    { onRequest: guard, schema: { summary: 'Read a payout', security: [{ apiKey: [] }], params: PaymentParams, response: { 200: PayoutView, ...errors } } },
    async (req) => {
      const row = await app.payouts.repo.findForMerchant(req.merchant!.id, req.merchant!.livemode, req.params.id);
      // Another merchant's payout is indistinguishable from a missing one.
      if (!row) throw new ApiError(404, 'payout_not_found', 'No such payout.');
      return presentPayout(row);
    },
  );

  app.get(
    '/payouts',
    { onRequest: guard, schema: { summary: 'List payouts, newest first', security: [{ apiKey: [] }], querystring: ListPayoutsQuery, response: { 200: PayoutList, ...errors } } },
    async (req) => {
      const q = req.query;
      const page = pageRequest(q);
      const rows = await app.payouts.repo.list({ merchantId: req.merchant!.id, livemode: req.merchant!.livemode, status: q.status, network: q.network, ...page });
      return listPage(rows, page.pageSize, presentPayout);
    },
  );
};

export default routes;
