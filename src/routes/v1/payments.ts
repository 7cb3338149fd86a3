/** The merchant API: create, read and list payments. */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NETWORK_INFO } from '../../domain/networks.ts';
import { presentPayment } from '../../payments/present.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { traceSteps } from '../../observability/request-tracing.ts';
import {
  CreatePaymentBody,
  ErrorBody,
  IdempotencyHeaders,
  ListPaymentsQuery,
  PaymentList,
  PaymentParams,
  PaymentView,
} from '../../schemas/payment.ts';
import type { Config } from '../../config.ts';
import { idempotencyKeyOf, listPage, pageRequest, replyToTakenKey } from './common.ts';

const routes: FastifyPluginAsync<{ config: Config }> = async (root, { config }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const perKey = app.rateLimit({
    max: config.rateLimit.perKeyPerMinute,
    timeWindow: 60_000,
    // Test and live keys have limits of their own: a test run never eats the live quota.
    keyGenerator: (req) => (req.merchant ? `key:${req.merchant.livemode ? 'live' : 'test'}:${req.merchant.id}` : `key:${req.ip}`),
  });
  // Every accepted request pushes a USSD prompt to a real person's phone. A second limiter on
  // one request must be checked by hand: the plugin's hooks run only the first one per request.
  const phoneLimiter = app.createRateLimit({
    max: config.rateLimit.perPhonePerHour,
    timeWindow: 3_600_000,
    keyGenerator: (req) =>
      `phone:${req.merchant?.livemode === false ? 'test:' : ''}` + createHash('sha256').update(String((req.body as { phone_number?: string })?.phone_number)).digest('hex'),
  });
  const perPhone = async (req: FastifyRequest, reply: FastifyReply) => {
    const verdict = await phoneLimiter(req);
    if (!verdict.isAllowed && verdict.isExceeded) {
      reply.header('retry-after', verdict.ttlInSeconds);
      throw new ApiError(429, 'rate_limited', `Too many payment requests to this phone number: at most ${verdict.max} per hour.`);
    }
  };
  const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody, 503: ErrorBody };

  app.post(
    '/payments',
    {
      onRequest: [app.authenticateMerchant, app.requireScope('payments'), perKey],
      preHandler: [perPhone],
      schema: {
        summary: 'Ask a customer to pay by mobile money',
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        body: CreatePaymentBody,
        response: { 200: PaymentView, 201: PaymentView, ...errors },
      },
    },
    async (req, reply) => {
      const key = idempotencyKeyOf(req);
      const body = req.body;
      const info = NETWORK_INFO[body.network];
      if (!info.phone.test(body.phone_number)) {
        throw new ApiError(400, 'invalid_phone_number', `body.phone_number is not a valid ${body.network} number (country code ${info.country}, digits only)`);
      }
      if (body.currency !== info.currency) {
        throw new ApiError(400, 'currency_mismatch', `body.currency must be ${info.currency} for ${body.network}`);
      }
      const outcome = await app.payments.create(req.merchant!, key, body, req.log, traceSteps(req));
      if (outcome.kind === 'created') return reply.status(201).send(outcome.payment);
      return replyToTakenKey(reply, outcome);
    },
  );

  app.get(
    '/payments/:id',
    {
      onRequest: [app.authenticateMerchant, app.requireScope('payments'), perKey],
      schema: { summary: 'Read a payment', security: [{ apiKey: [] }], params: PaymentParams, response: { 200: PaymentView, ...errors } },
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
      schema: { summary: 'List payments, newest first', security: [{ apiKey: [] }], querystring: ListPaymentsQuery, response: { 200: PaymentList, ...errors } },
    },
    async (req) => {
      const q = req.query;
      const page = pageRequest(q);
      const rows = await app.payments.repo.list({ merchantId: req.merchant!.id, livemode: req.merchant!.livemode, status: q.status, network: q.network, ...page });
      return listPage(rows, page.pageSize, presentPayment);
    },
  );
};

export default routes;
