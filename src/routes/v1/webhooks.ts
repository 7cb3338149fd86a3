/** FeexPay's callback. The secret token in the path stands in for the signature FeexPay cannot send. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ErrorBody, FeexPayWebhookBody } from '../../schemas/payment.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { traceSteps } from '../../observability/request-tracing.ts';
import { rejectedDelivery } from '../../webhooks/feexpay-webhook.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

const routes: FastifyPluginAsync<{ webhookToken: string }> = async (root, { webhookToken }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const expected = digest(webhookToken);

  app.post(
    '/webhooks/feexpay/:token',
    {
      bodyLimit: 64 * 1024,
      config: { strictJson: false },
      schema: {
        summary: 'FeexPay payment callback',
        params: Type.Object({ token: Type.String({ maxLength: 200 }) }),
        body: FeexPayWebhookBody,
        response: { 200: Type.Object({ received: Type.Boolean(), result: Type.String() }), 400: ErrorBody, 404: ErrorBody },
      },
      // Counted before validation too, so a malformed or forged delivery shows as rejected.
      attachValidation: true,
    },
    async (req) => {
      if (!timingSafeEqual(digest(req.params.token), expected)) {
        app.serviceMetrics.webhookDeliveries.inc({ result: 'rejected' });
        throw new ApiError(404, 'not_found', 'No such webhook endpoint.');
      }
      if (req.validationError) {
        app.serviceMetrics.webhookDeliveries.inc({ result: 'rejected' });
        await app.payments.deliveries.record(rejectedDelivery(req.body));
        throw Object.assign(req.validationError, { validationContext: 'body' });
      }
      try {
        const result = await app.payments.handleWebhook(req.body, req.log, traceSteps(req));
        return { received: true, result };
      } catch (err) {
        // Answered 5xx (or 503 when the database is down), so FeexPay delivers again.
        app.serviceMetrics.webhookDeliveries.inc({ result: 'error' });
        throw err;
      }
    },
  );
};

export default routes;
