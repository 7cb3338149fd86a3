/** Route schemas of webhook endpoints and events (TypeBox): validation, serialization, OpenAPI. */
import Type, { type Static } from 'typebox';
import { ALL_EVENTS, EVENT_TYPES } from '../events/event-types.ts';
import { ATTEMPT_OUTCOMES } from '../events/http-attempt.ts';
import { PaymentView } from './payment.ts';

const EnabledEvent = Type.Enum([ALL_EVENTS, ...EVENT_TYPES], { description: `An event type, or "${ALL_EVENTS}" for all.` });

export const CreateEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'https in live mode; must resolve to a public address.' }),
    enabled_events: Type.Optional(Type.Array(EnabledEvent, { minItems: 1, maxItems: EVENT_TYPES.length + 1, uniqueItems: true, description: `Default ["${ALL_EVENTS}"].` })),
    description: Type.Optional(Type.String({ maxLength: 500, pattern: '^[^\\u0000-\\u001f<>]*$' })),
  },
  { additionalProperties: false },
);
export type CreateEndpointBody = Static<typeof CreateEndpointBody>;

export const EndpointView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  object: Type.Literal('webhook_endpoint'),
  livemode: Type.Boolean(),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  enabled_events: Type.Array(Type.String()),
  status: Type.Enum(['enabled', 'disabled'], { description: 'disabled: every attempt failed for days; create a new endpoint.' }),
  secret: Type.Optional(Type.String({ description: 'whsec_<base64>: returned on creation and on rotation only.' })),
  created_at: Type.String({ format: 'date-time' }),
});
export type EndpointView = Static<typeof EndpointView>;

export const EndpointList = Type.Object({ object: Type.Literal('list'), data: Type.Array(EndpointView) });

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const DeletedEndpoint = Type.Object({ id: Type.String(), object: Type.Literal('webhook_endpoint'), deleted: Type.Literal(true) });

export const ListEventsQuery = Type.Object(
  {
    type: Type.Optional(Type.Enum([...EVENT_TYPES])),
    // Strings, because coercion is off everywhere so that a body's "100" is never taken for 100.
    limit: Type.Optional(Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: '1 to 100, default 20.' })),
    cursor: Type.Optional(Type.String({ format: 'uuid', description: 'next_cursor of the previous page.' })),
  },
  { additionalProperties: false },
);
export type ListEventsQuery = Static<typeof ListEventsQuery>;

export const EventView = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Also the webhook-id header of every delivery of it.' }),
  object: Type.Literal('event'),
  livemode: Type.Boolean(),
  type: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  data: PaymentView,
});
export type EventView = Static<typeof EventView>;

export const EventList = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(EventView),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

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

export const EventDetailView = Type.Object({ ...EventView.properties, deliveries: Type.Array(DeliveryView) });
export type EventDetailView = Static<typeof EventDetailView>;

/** The body posted to endpoints, as Standard Webhooks shapes it. */
export const EventPayload = Type.Object({
  id: Type.String({ format: 'uuid' }),
  type: Type.String(),
  timestamp: Type.String({ format: 'date-time' }),
  data: PaymentView,
});
export type EventPayload = Static<typeof EventPayload>;
