/** The merchant's events: list (newest first), read one with its delivery attempts, redeliver. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.ts';
import { presentEvent, presentEventDetail } from '../../events/present.ts';
import type { MerchantScope } from '../../events/endpoints.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import { EventDetailView, EventList, IdParams, ListEventsQuery } from '../../schemas/events.ts';
import { errorResponses } from '../../schemas/errors.ts';
import { refuseBody } from './common.ts';
import { answer } from '../../schemas/responses.ts';
import { merchantHooks } from './webhook-endpoints.ts';

const notFound = () => new ApiError(404, 'event_not_found', 'No such event.');

const routes: FastifyPluginAsync<{ config: Config }> = async (root, { config }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const onRequest = merchantHooks(root, config);
  const { events } = app.merchantEvents;
  const security = [{ apiKey: [] }];

  async function detail(scope: MerchantScope, id: string) {
    const event = await events.find(scope, id);
    if (!event) throw notFound();
    const { deliveries, attempts } = await events.deliveries(event.id);
    return { event, view: presentEventDetail(event, deliveries, attempts) };
  }

  app.get(
    '/events',
    {
      onRequest,
      schema: {
        operationId: 'listEvents',
        tags: ['Events'],
        summary: 'List events, newest first',
        security,
        querystring: ListEventsQuery,
        response: { 200: answer(EventList, 'A page of events, newest first.'), ...errorResponses(['validation_failed', 'invalid_cursor']) },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 20;
      if (req.query.cursor && !(await events.find(req.merchant!, req.query.cursor))) {
        throw new ApiError(400, 'invalid_cursor', 'query.cursor is not a cursor this API returned');
      }
      const rows = await events.list({ merchantId: req.merchant!.id, livemode: req.merchant!.livemode, type: req.query.type, after: req.query.cursor, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return {
        object: 'list' as const,
        data: page.map(presentEvent),
        next_cursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.get(
    '/events/:id',
    {
      onRequest,
      schema: {
        operationId: 'getEvent',
        tags: ['Events'],
        summary: 'Read an event with its deliveries and every attempt',
        security,
        params: IdParams,
        response: { 200: answer(EventDetailView, "The event, each endpoint's delivery and every attempt."), ...errorResponses(['validation_failed', 'event_not_found']) },
      },
    },
    async (req) => (await detail(req.merchant!, req.params.id)).view,
  );

  app.post(
    '/events/:id/redeliver',
    {
      onRequest,
      preValidation: refuseBody,
      schema: {
        operationId: 'redeliverEvent',
        tags: ['Events'],
        summary: 'Deliver an event again now to every enabled endpoint subscribed to it, with a fresh retry schedule',
        security,
        params: IdParams,
        response: {
          202: answer(EventDetailView, 'Scheduled: the event with its deliveries, each due now.'),
          ...errorResponses(['validation_failed', 'event_not_found', 'no_endpoint']),
        },
      },
    },
    async (req, reply) => {
      const { event } = await detail(req.merchant!, req.params.id);
      const scheduled = await events.redeliver(event);
      if (scheduled === 0) throw new ApiError(409, 'no_endpoint', 'No enabled webhook endpoint subscribes to this event type.');
      return reply.status(202).send((await detail(req.merchant!, event.id)).view);
    },
  );
};

export default routes;
