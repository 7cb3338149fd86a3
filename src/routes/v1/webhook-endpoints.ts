/** The merchant's webhook endpoints: create (secret shown once), list, read, delete, rotate the secret. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.ts';
import { ALL_EVENTS } from '../../events/event-types.ts';
import { checkEndpointUrl, EndpointUrlError } from '../../events/endpoint-url.ts';
import { EndpointLimitReached } from '../../events/endpoints.ts';
import { presentEndpoint } from '../../events/present.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { CreateEndpointBody, DeletedEndpoint, EndpointList, EndpointView, IdParams, NoInput } from '../../schemas/events.ts';
import { errorResponses } from '../../schemas/errors.ts';
import { refuseBody } from './common.ts';
import { answer } from '../../schemas/responses.ts';

/** Authentication and the per-key limit, as on the payment API (the same counter key). */
export function merchantHooks(app: FastifyInstance, config: Config) {
  const perKey = app.rateLimit({
    max: config.rateLimit.perKeyPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => (req.merchant ? `key:${req.merchant.livemode ? 'live' : 'test'}:${req.merchant.id}` : `key:${req.ip}`),
  });
  return [app.authenticateMerchant, perKey];
}

const notFound = () => new ApiError(404, 'webhook_endpoint_not_found', 'No such webhook endpoint.');

const routes: FastifyPluginAsync<{ config: Config }> = async (root, { config }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const onRequest = merchantHooks(root, config);
  const { endpoints, settings } = app.merchantEvents;
  const security = [{ apiKey: [] }];

  app.post(
    '/webhook_endpoints',
    {
      onRequest,
      schema: {
        operationId: 'createWebhookEndpoint',
        tags: ['Webhook endpoints'],
        summary: 'Register an endpoint to receive events (the signing secret is shown in this answer only)',
        security,
        body: CreateEndpointBody,
        response: {
          201: answer(EndpointView, 'The endpoint, with its signing `secret`: keep it, it is not shown again.'),
          ...errorResponses(['validation_failed', 'invalid_json', 'invalid_url', 'too_many_endpoints', 'unsupported_media_type', 'payload_too_large']),
        },
      },
    },
    async (req, reply) => {
      let url: string;
      try {
        url = await checkEndpointUrl(req.body.url, settings.allowPrivate);
      } catch (err) {
        if (err instanceof EndpointUrlError) throw new ApiError(400, 'invalid_url', err.message, {}, 'body.url');
        throw err;
      }
      try {
        const { row, secret } = await endpoints.create(
          req.merchant!,
          { url, enabledEvents: req.body.enabled_events ?? [ALL_EVENTS], description: req.body.description ?? null },
          settings.maxEndpointsPerMerchant,
        );
        return reply.status(201).send(presentEndpoint(row, secret));
      } catch (err) {
        if (err instanceof EndpointLimitReached) {
          throw new ApiError(400, 'too_many_endpoints', `body.url: a merchant has at most ${settings.maxEndpointsPerMerchant} webhook endpoints; delete one first.`);
        }
        throw err;
      }
    },
  );

  app.get(
    '/webhook_endpoints',
    {
      onRequest,
      schema: {
        operationId: 'listWebhookEndpoints',
        tags: ['Webhook endpoints'],
        summary: 'List webhook endpoints, newest first',
        security,
        querystring: NoInput,
        response: { 200: answer(EndpointList, "Every endpoint of this API key's mode, newest first (without secrets)."), ...errorResponses(['validation_failed']) },
      },
    },
    async (req) => ({ object: 'list' as const, data: (await endpoints.list(req.merchant!)).map((r) => presentEndpoint(r)) }),
  );

  app.get(
    '/webhook_endpoints/:id',
    {
      onRequest,
      schema: {
        operationId: 'getWebhookEndpoint',
        tags: ['Webhook endpoints'],
        summary: 'Read a webhook endpoint (without its secret)',
        security,
        params: IdParams,
        response: { 200: answer(EndpointView, 'The endpoint (no `secret`).'), ...errorResponses(['validation_failed', 'webhook_endpoint_not_found']) },
      },
    },
    async (req) => {
      const row = await endpoints.find(req.merchant!, req.params.id);
      if (!row) throw notFound();
      return presentEndpoint(row);
    },
  );

  app.delete(
    '/webhook_endpoints/:id',
    {
      onRequest,
      schema: {
        operationId: 'deleteWebhookEndpoint',
        tags: ['Webhook endpoints'],
        summary: 'Delete a webhook endpoint; events not yet delivered to it are cancelled',
        security,
        params: IdParams,
        response: { 200: answer(DeletedEndpoint, 'The endpoint is deleted.'), ...errorResponses(['validation_failed', 'webhook_endpoint_not_found']) },
      },
    },
    async (req) => {
      const row = await endpoints.remove(req.merchant!, req.params.id);
      if (!row) throw notFound();
      return { id: row.id, object: 'webhook_endpoint' as const, deleted: true as const };
    },
  );

  app.post(
    '/webhook_endpoints/:id/rotate_secret',
    {
      onRequest,
      preValidation: refuseBody,
      schema: {
        operationId: 'rotateWebhookEndpointSecret',
        tags: ['Webhook endpoints'],
        summary: 'Replace the signing secret; the old one keeps signing beside the new one for 24 hours',
        security,
        params: IdParams,
        response: {
          200: answer(EndpointView, 'The endpoint with its new `secret` (shown in this answer only).'),
          ...errorResponses(['validation_failed', 'webhook_endpoint_not_found']),
        },
      },
    },
    async (req) => {
      const rotated = await endpoints.rotate(req.merchant!, req.params.id, settings.secretOverlapSeconds);
      if (!rotated) throw notFound();
      return presentEndpoint(rotated.row, rotated.secret);
    },
  );
};

export default routes;
