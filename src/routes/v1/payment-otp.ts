/** POST /v1/payments/{id}/otp: the customer's code for a payment whose next_action is otp_required. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.ts';
import { traceSteps } from '../../observability/request-tracing.ts';
import { createOtpSubmitter } from '../../payments/submit-otp.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { OtpBody } from '../../schemas/collection.ts';
import { ErrorBody, IdempotencyHeaders, PaymentParams, PaymentView, type PaymentViewType } from '../../schemas/payment.ts';
import { IDEMPOTENCY_KEY } from './payments.ts';

const routes: FastifyPluginAsync<{ config: Config }> = async (root, { config }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const perKey = app.rateLimit({
    max: config.rateLimit.perKeyPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => 'key:' + (req.merchant?.id ?? req.ip),
  });
  const submitOtp = createOtpSubmitter({
    payments: app.payments.repo,
    settler: app.payments.settler,
    feexpay: app.feexpay,
    metrics: app.serviceMetrics,
    onFeexPayAnomaly: (message, ctx) => app.alerting.feexpayAnomaly(message, ctx),
  });
  const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody };

  app.post(
    '/payments/:id/otp',
    {
      onRequest: [app.authenticateMerchant, perKey],
      schema: {
        summary: 'Send the code FeexPay texted the customer (next_action otp_required)',
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        params: PaymentParams,
        body: OtpBody,
        response: { 200: PaymentView, ...errors },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
        throw new ApiError(400, 'idempotency_key_required', 'Header Idempotency-Key (1 to 255 printable characters) is required.');
      }
      const outcome = await submitOtp(req.merchant!, req.params.id, key, req.body.otp, req.log, traceSteps(req));
      switch (outcome.kind) {
        case 'sent':
          return reply.status(200).send(outcome.payment);
        case 'replayed':
          reply.header('idempotent-replayed', 'true');
          return reply.status(outcome.statusCode as 200).send(outcome.body as PaymentViewType);
        case 'not_awaiting':
          return reply.status(409).send(outcome.body);
        case 'not_found':
          throw new ApiError(404, 'payment_not_found', 'No such payment.');
        case 'key_reused':
          throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
        case 'in_flight':
          reply.header('retry-after', '1');
          throw new ApiError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed; retry later.');
      }
    },
  );
};

export default routes;
