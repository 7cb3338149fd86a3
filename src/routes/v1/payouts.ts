/** The merchant API for payouts: send money to a phone, read and list payouts. Needs the `payouts` scope. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NETWORK_INFO } from '../../domain/networks.ts';
import { PAYOUT_LIMITS, payoutMinimum } from '../../domain/payouts.ts';
import { presentPayout } from '../../payouts/present.ts';
import { ApiError, fieldError } from '../../plugins/app/errors.ts';
import { errorResponses } from '../../schemas/errors.ts';
import { IdempotencyHeaders, PaymentParams } from '../../schemas/payment.ts';
import { answer, REPLAY_HEADER } from '../../schemas/responses.ts';
import { CreatePayoutBody, ListPayoutsQuery, PayoutList, PayoutView } from '../../schemas/payout.ts';
import type { Config } from '../../config.ts';
import { idempotencyKeyOf, listPage, pageRequest, replyToTakenKey } from './common.ts';

/** What the schema cannot say: the number's format, the currency and the minimum depend on the operator's country. */
function checkAgainstNetwork(body: CreatePayoutBody): void {
  const info = NETWORK_INFO[body.network];
  if (!info.phone.test(body.phone_number)) {
    throw fieldError('invalid_phone_number', 'body.phone_number', `is not a valid ${body.network} number (country code ${info.country}, digits only)`);
  }
  if (body.currency !== info.currency) throw fieldError('currency_mismatch', 'body.currency', `must be ${info.currency} for ${body.network}`);
  const min = payoutMinimum(info.country);
  if (body.amount < min) {
    throw fieldError('amount_out_of_range', 'body.amount', `must be between ${min} and ${PAYOUT_LIMITS.max} for a payout in ${info.country}`);
  }
}

const routes: FastifyPluginAsync<{ config: Config }> = async (root, { config }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const perKey = app.rateLimit({
    max: config.rateLimit.perKeyPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => (req.merchant ? `key:${req.merchant.livemode ? 'live' : 'test'}:${req.merchant.id}` : `key:${req.ip}`),
  });
  const guard = [app.authenticateMerchant, app.requireScope('payouts'), perKey];

  app.post(
    '/payouts',
    {
      onRequest: guard,
      schema: {
        operationId: 'createPayout',
        tags: ['Payouts'],
        summary: 'Send money to a mobile-money number',
        description: "Needs an API key with the payouts scope. Counts against the merchant's daily payout cap (422 payout_cap_exceeded past it).",
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        body: CreatePayoutBody,
        response: {
          201: answer(PayoutView, 'The payout was created; follow its `status`. A replay is this same answer with `Idempotent-Replayed: true`.', REPLAY_HEADER),
          ...errorResponses([
            'validation_failed',
            'invalid_json',
            'idempotency_key_required',
            'invalid_phone_number',
            'currency_mismatch',
            'amount_out_of_range',
            'unauthorized',
            'insufficient_scope',
            'idempotency_key_reused',
            'payout_cap_exceeded',
            'idempotency_request_in_progress',
            'rate_limited',
            'service_unavailable',
          ]),
        },
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
    {
      onRequest: guard,
      schema: {
        operationId: 'getPayout',
        tags: ['Payouts'],
        summary: 'Read a payout',
        security: [{ apiKey: [] }],
        params: PaymentParams,
        response: {
          200: answer(PayoutView, 'The payout as it stands now.'),
          ...errorResponses(['validation_failed', 'unauthorized', 'insufficient_scope', 'payout_not_found', 'rate_limited', 'service_unavailable']),
        },
      },
    },
    async (req) => {
      const row = await app.payouts.repo.findForMerchant(req.merchant!.id, req.merchant!.livemode, req.params.id);
      // Another merchant's payout is indistinguishable from a missing one.
      if (!row) throw new ApiError(404, 'payout_not_found', 'No such payout.');
      return presentPayout(row);
    },
  );

  app.get(
    '/payouts',
    {
      onRequest: guard,
      schema: {
        operationId: 'listPayouts',
        tags: ['Payouts'],
        summary: 'List payouts, newest first',
        description: 'One page of payouts matching the filters; follow `next_cursor` for the next.',
        security: [{ apiKey: [] }],
        querystring: ListPayoutsQuery,
        response: {
          200: answer(PayoutList, 'A page of payouts, newest first.'),
          ...errorResponses(['validation_failed', 'invalid_cursor', 'invalid_date', 'unauthorized', 'insufficient_scope', 'rate_limited', 'service_unavailable']),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = pageRequest(q);
      const rows = await app.payouts.repo.list({ merchantId: req.merchant!.id, livemode: req.merchant!.livemode, status: q.status, network: q.network, ...page });
      return listPage(rows, page.pageSize, presentPayout);
    },
  );
};

export default routes;
