/** POST /v1/payments/{id}/otp: the customer's code for a payment whose next_action is otp_required. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.ts';
import { traceSteps } from '../../observability/request-tracing.ts';
import { createOtpSubmitter } from '../../payments/submit-otp.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { OtpBody } from '../../schemas/collection.ts';
import { errorResponses } from '../../schemas/errors.ts';
import { IdempotencyHeaders, PAYMENT_EXAMPLE, PaymentParams, PaymentRef, type PaymentViewType } from '../../schemas/payment.ts';
import { answer, REPLAY_HEADER } from '../../schemas/responses.ts';
import { replyToTakenKey } from './common.ts';

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

  app.post(
    '/payments/:id/otp',
    {
      onRequest: [app.authenticateMerchant, perKey],
      schema: {
        operationId: 'submitPaymentOtp',
        tags: ['Payments'],
        summary: 'Send the code FeexPay texted the customer (next_action otp_required)',
        description: 'Waits for FeexPay like a creation (up to FEEXPAY_REQUEST_TIMEOUT_MS, 30 s by default): on a timeout, retry with the same Idempotency-Key.',
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        params: PaymentParams,
        body: OtpBody,
        response: {
          200: answer(PaymentRef, 'The code was passed to FeexPay; the payment is as it stands now (a replay carries `Idempotent-Replayed: true`).', REPLAY_HEADER, {
            ...PAYMENT_EXAMPLE,
            network: 'moov_tg',
          }),
          ...errorResponses([
            'validation_failed',
            'invalid_json',
            'idempotency_key_required',
            'payment_not_found',
            'payment_not_awaiting_otp',
            'idempotency_request_in_progress',
            'idempotency_key_reused',
          ]),
        },
      },
    },
    async (req, reply) => {
      // Its presence and shape are checked by the schema (400 idempotency_key_required).
      const key = req.headers['idempotency-key'];
      const outcome = await submitOtp(req.merchant!, req.params.id, key, req.body.otp, req.log, traceSteps(req));
      switch (outcome.kind) {
        case 'sent':
          return reply.status(200).send(outcome.payment);
        case 'not_awaiting':
          // Through the error handler like every error (request_id), with the stored message.
          throw new ApiError(409, outcome.body.error.code, outcome.body.error.message);
        case 'not_found':
          throw new ApiError(404, 'payment_not_found', 'No such payment.');
        default:
          return replyToTakenKey(reply, outcome);
      }
    },
  );
};

export default routes;
