/** The merchant API: create, read and list payments. */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NETWORK_INFO } from '../../domain/networks.ts';
import { presentPayment } from '../../payments/present.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { traceSteps } from '../../observability/request-tracing.ts';
import { errorResponses } from '../../schemas/errors.ts';
import { answer, REPLAY_HEADER } from '../../schemas/responses.ts';
import {
  CreatePaymentBody,
  IdempotencyHeaders,
  ListPaymentsQuery,
  PaymentList,
  PAYMENT_EXAMPLE,
  PaymentParams,
  PaymentRef,
} from '../../schemas/payment.ts';
import type { Config } from '../../config.ts';

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new ApiError(400, 'invalid_cursor', 'query.cursor is not a cursor this API returned');
  }
  return { createdAt, id };
}

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

  app.post(
    '/payments',
    {
      onRequest: [app.authenticateMerchant, perKey],
      preHandler: [perPhone],
      schema: {
        operationId: 'createPayment',
        tags: ['Payments'],
        summary: 'Ask a customer to pay by mobile money',
        description:
          'Pushes a payment prompt to the customer\'s phone (or returns a `payment_url` to send them to). The answer waits for FeexPay: ' +
          'up to FEEXPAY_REQUEST_TIMEOUT_MS (30 s by default). A client that gives up, or loses the connection, retries with the same ' +
          '`Idempotency-Key` and gets this request\'s answer, never a second charge.',
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
            'invalid_phone_number',
            'currency_mismatch',
            'unsupported_media_type',
            'payload_too_large',
            'idempotency_request_in_progress',
            'idempotency_key_reused',
          ]),
        },
      },
    },
    async (req, reply) => {
      // Its presence and shape are checked by the schema (400 idempotency_key_required).
      const key = req.headers['idempotency-key'];
      const body = req.body;
      const info = NETWORK_INFO[body.network];
      if (!info.phone.test(body.phone_number)) {
        throw new ApiError(400, 'invalid_phone_number', `body.phone_number is not a valid ${body.network} number (country code ${info.country}, digits only)`);
      }
      if (body.currency !== info.currency) {
        throw new ApiError(400, 'currency_mismatch', `body.currency must be ${info.currency} for ${body.network}`);
      }
      const outcome = await app.payments.create(req.merchant!, key, body, req.log, traceSteps(req));
      switch (outcome.kind) {
        case 'created':
          return reply.status(201).send(outcome.payment);
        case 'replayed':
          reply.header('idempotent-replayed', 'true');
          return reply.status(outcome.statusCode as 201).send(outcome.body);
        case 'key_reused':
          throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body.');
        case 'in_flight':
          reply.header('retry-after', '1');
          throw new ApiError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed; retry later.');
      }
    },
  );

  app.get(
    '/payments/:id',
    {
      onRequest: [app.authenticateMerchant, perKey],
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
      onRequest: [app.authenticateMerchant, perKey],
      schema: {
        operationId: 'listPayments',
        tags: ['Payments'],
        summary: 'List payments, newest first',
        description: 'One page of payments matching the filters; follow `next_cursor` for the next.',
        security: [{ apiKey: [] }],
        querystring: ListPaymentsQuery,
        response: {
          200: answer(PaymentList, 'A page of payments, newest first.'),
          ...errorResponses(['validation_failed', 'invalid_cursor']),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 20;
      const rows = await app.payments.repo.list({
        merchantId: req.merchant!.id,
        livemode: req.merchant!.livemode,
        status: q.status,
        network: q.network,
        createdGte: q.created_gte ? new Date(q.created_gte) : undefined,
        createdLt: q.created_lt ? new Date(q.created_lt) : undefined,
        after: q.cursor ? decodeCursor(q.cursor) : undefined,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit).map(presentPayment);
      const last = page.at(-1);
      return {
        object: 'list' as const,
        data: page,
        next_cursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
      };
    },
  );
};

export default routes;
