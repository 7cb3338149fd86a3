/** The merchant API: create, read and list payments. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { presentPayment } from '../../payments/present.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { traceSteps } from '../../observability/request-tracing.ts';
import { errorResponses } from '../../schemas/errors.ts';
import { answer, REPLAY_HEADER } from '../../schemas/responses.ts';
import { CreatePaymentBody, IdempotencyHeaders, ListPaymentsQuery, PaymentList, PAYMENT_EXAMPLE, PaymentParams, PaymentRef } from '../../schemas/payment.ts';
import type { Config } from '../../config.ts';
import { checkCollection } from './collection-checks.ts';
import { listPage, pageRequest, replyToTakenKey } from './common.ts';

const routes: FastifyPluginAsync<{ config: Config }> = async (root, { config }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const perKey = app.rateLimit({
    max: config.rateLimit.perKeyPerMinute,
    timeWindow: 60_000,
    // Test and live keys have limits of their own: a test run never eats the live quota.
    keyGenerator: (req) => (req.merchant ? `key:${req.merchant.livemode ? 'live' : 'test'}:${req.merchant.id}` : `key:${req.ip}`),
  });
  // The per-phone quota is taken by the payment path itself, only for a request that prompts a
  // phone (app.phoneQuota): a replay, a conflict or a refused body never uses it.

  app.post(
    '/payments',
    {
      onRequest: [app.authenticateMerchant, app.requireScope('payments'), perKey],
      schema: {
        operationId: 'createPayment',
        tags: ['Payments'],
        summary: 'Ask a customer to pay by mobile money',
        description:
          "Pushes a payment prompt to the customer's phone (or returns a `payment_url` to send them to). The answer waits for FeexPay: " +
          'up to FEEXPAY_REQUEST_TIMEOUT_MS (30 s by default). A client that gives up, or loses the connection, retries with the same ' +
          "`Idempotency-Key` and gets this request's answer, never a second charge.",
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        body: CreatePaymentBody,
        response: {
          // A replay answers the first request's status (201) with Idempotent-Replayed: true.
          201: answer(
            PaymentRef,
            'The payment was created; follow its `status` (pending until FeexPay tells the outcome). ' +
              'A replay (same Idempotency-Key and body) is this same answer again, with `Idempotent-Replayed: true`.',
            REPLAY_HEADER,
            PAYMENT_EXAMPLE,
          ),
          ...errorResponses([
            'validation_failed',
            'invalid_json',
            'idempotency_key_required',
            'network_required',
            'card_brand_required',
            'invalid_phone_number',
            'currency_mismatch',
            'otp_required',
            'field_not_accepted',
            'invalid_url',
            'amount_out_of_range',
            'unsupported_media_type',
            'payload_too_large',
            'idempotency_request_in_progress',
            'idempotency_key_reused',
            'network_unavailable',
          ]),
        },
      },
    },
    async (req, reply) => {
      // Its presence and shape are checked by the schema (400 idempotency_key_required).
      const key = req.headers['idempotency-key'];
      const body = await checkCollection(req.body, { settings: app.networkSettings, metrics: app.serviceMetrics, livemode: req.merchant!.livemode }, reply);
      const outcome = await app.payments.create(req.merchant!, key, body, req.log, traceSteps(req));
      if (outcome.kind === 'created') return reply.status(201).send(outcome.payment);
      return replyToTakenKey(reply, outcome);
    },
  );

  app.get(
    '/payments/:id',
    {
      onRequest: [app.authenticateMerchant, app.requireScope('payments'), perKey],
      schema: {
        operationId: 'getPayment',
        tags: ['Payments'],
        summary: 'Read a payment',
        security: [{ apiKey: [] }],
        params: PaymentParams,
        response: { 200: answer(PaymentRef, 'The payment as it stands now.', {}, PAYMENT_EXAMPLE), ...errorResponses(['validation_failed', 'payment_not_found']) },
      },
    },
    async (req) => {
      const row = await traceSteps(req).step('db', 'read payment', () => app.payments.repo.findForMerchant(req.merchant!.id, req.merchant!.livemode, req.params.id));
      // Another merchant's payment is indistinguishable from a missing one.
      if (!row) throw new ApiError(404, 'payment_not_found', 'No such payment.');
      return presentPayment(row);
    },
  );

  app.get(
    '/payments',
    {
      onRequest: [app.authenticateMerchant, app.requireScope('payments'), perKey],
      schema: {
        operationId: 'listPayments',
        tags: ['Payments'],
        summary: 'List payments, newest first',
        description: 'One page of payments matching the filters; follow `next_cursor` for the next.',
        security: [{ apiKey: [] }],
        querystring: ListPaymentsQuery,
        response: {
          200: answer(PaymentList, 'A page of payments, newest first.'),
          ...errorResponses(['validation_failed', 'invalid_cursor', 'invalid_date']),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = pageRequest(q);
      const rows = await app.payments.repo.list({
        merchantId: req.merchant!.id,
        livemode: req.merchant!.livemode,
        status: q.status,
        network: q.network,
        createdGte: page.createdGte,
        createdLt: page.createdLt,
        after: page.after,
        limit: page.limit,
      });
      return listPage(rows, page.pageSize, presentPayment);
    },
  );
};

export default routes;
