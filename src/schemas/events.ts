/** Route schemas of webhook endpoints and events (TypeBox): validation, serialization, OpenAPI. */
import Type, { type Static } from 'typebox';
import { ALL_EVENTS, EVENT_TYPES } from '../events/event-types.ts';
import { ATTEMPT_OUTCOMES } from '../events/http-attempt.ts';
import { PAYMENT_EXAMPLE, PaymentView } from './payment.ts';
import { PayoutView } from './payout.ts';

const ENDPOINT_EXAMPLE = {
  id: '5a0d2c1e-8f3b-4a6d-9c2e-1b7f0e4d3a21',
  object: 'webhook_endpoint',
  livemode: true,
  url: 'https://shop.your-domain/feexpay-gateway/events',
  description: 'Order updates',
  enabled_events: ['*'],
  status: 'enabled',
  created_at: '2026-12-01T09:00:00.000Z',
};
const EVENT_EXAMPLE = {
  id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  object: 'event',
  livemode: true,
  type: 'payment.succeeded',
  created_at: '2026-12-01T10:00:05.000Z',
  data: { ...PAYMENT_EXAMPLE, status: 'successful', settled_at: '2026-12-01T10:00:05.000Z' },
};

const EnabledEvent = Type.Enum([ALL_EVENTS, ...EVENT_TYPES], { description: `An event type, or "${ALL_EVENTS}" for all.` });

export const CreateEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'https in live mode; must resolve to a public address.' }),
    enabled_events: Type.Optional(Type.Array(EnabledEvent, { minItems: 1, maxItems: EVENT_TYPES.length + 1, uniqueItems: true, description: `Default ["${ALL_EVENTS}"].` })),
    description: Type.Optional(Type.String({ maxLength: 500, pattern: '^[^\\u0000-\\u001f<>]*$' })),
  },
  { additionalProperties: false, examples: [{ url: ENDPOINT_EXAMPLE.url, enabled_events: ['payment.succeeded', 'payment.failed'], description: 'Order updates' }] },
);
export type CreateEndpointBody = Static<typeof CreateEndpointBody>;

/** What a route that takes no input accepts: nothing, so a misspelt option is a 400, never ignored. */
export const NoInput = Type.Object({}, { additionalProperties: false });

export const EndpointView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    object: Type.Literal('webhook_endpoint'),
    livemode: Type.Boolean(),
    url: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    enabled_events: Type.Array(Type.String()),
    status: Type.Enum(['enabled', 'disabled'], { description: 'disabled: every attempt failed for days; create a new endpoint.' }),
    secret: Type.Optional(Type.String({ description: 'whsec_<base64>: returned on creation and on rotation only.' })),
    created_at: Type.String({ format: 'date-time' }),
  },
  { examples: [{ ...ENDPOINT_EXAMPLE, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }] },
);
export type EndpointView = Static<typeof EndpointView>;

export const EndpointList = Type.Object({ object: Type.Literal('list'), data: Type.Array(EndpointView) }, { examples: [{ object: 'list', data: [ENDPOINT_EXAMPLE] }] });

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid', examples: [EVENT_EXAMPLE.id] }) }, { additionalProperties: false });

export const DeletedEndpoint = Type.Object(
  { id: Type.String(), object: Type.Literal('webhook_endpoint'), deleted: Type.Literal(true) },
  { examples: [{ id: ENDPOINT_EXAMPLE.id, object: 'webhook_endpoint', deleted: true }] },
);

export const ListEventsQuery = Type.Object(
  {
    type: Type.Optional(Type.Enum([...EVENT_TYPES])),
    // Strings, because coercion is off everywhere so that a body's "100" is never taken for 100.
    // An integer: query strings are coerced (src/validation/validator-compiler.ts), bodies never.
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size, 1 to 100.', examples: [20] })),
    cursor: Type.Optional(Type.String({ format: 'uuid', description: 'next_cursor of the previous page.' })),
  },
  { additionalProperties: false },
);
export type ListEventsQuery = Static<typeof ListEventsQuery>;

/** payment.* events carry the payment, payout.* events the payout, each as the API shows it. */
export const EventSubject = Type.Union([PaymentView, PayoutView], { description: 'The payment (payment.*) or payout (payout.*) as GET shows it.' });

export const EventView = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Also the webhook-id header of every delivery of it.' }),
  object: Type.Literal('event'),
  livemode: Type.Boolean(),
  type: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  data: EventSubject,
});
export type EventView = Static<typeof EventView>;

export const EventList = Type.Object(
  {
    object: Type.Literal('list'),
    data: Type.Array(EventView),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
  },
  { examples: [{ object: 'list', data: [EVENT_EXAMPLE], next_cursor: null }] },
);

export const AttemptView = Type.Object({
  attempt: Type.Integer(),
  outcome: Type.Enum([...ATTEMPT_OUTCOMES]),
  response_status: Type.Union([Type.Integer(), Type.Null()]),
  response_body: Type.Union([Type.String(), Type.Null()], { description: 'The first 1,024 bytes of the answer, or the error.' }),
  duration_ms: Type.Integer(),
  started_at: Type.String({ format: 'date-time' }),
});

export const DeliveryView = Type.Object({
  endpoint_id: Type.String({ format: 'uuid' }),
  status: Type.Enum(['pending', 'delivered', 'failed', 'cancelled']),
  attempt_count: Type.Integer(),
  next_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  attempts: Type.Array(AttemptView),
});

export const EventDetailView = Type.Object(
  { ...EventView.properties, deliveries: Type.Array(DeliveryView) },
  {
    examples: [
      {
        ...EVENT_EXAMPLE,
        deliveries: [
          {
            endpoint_id: ENDPOINT_EXAMPLE.id,
            status: 'delivered',
            attempt_count: 1,
            next_attempt_at: null,
            finished_at: '2026-12-01T10:00:06.000Z',
            attempts: [{ attempt: 1, outcome: 'succeeded', response_status: 200, response_body: 'ok', duration_ms: 84, started_at: '2026-12-01T10:00:05.900Z' }],
          },
        ],
      },
    ],
  },
);
export type EventDetailView = Static<typeof EventDetailView>;

/** The body posted to endpoints, as Standard Webhooks shapes it. */
export const EventPayload = Type.Object({
  id: Type.String({ format: 'uuid' }),
  type: Type.String(),
  timestamp: Type.String({ format: 'date-time' }),
  data: EventSubject,
});
export type EventPayload = Static<typeof EventPayload>;
