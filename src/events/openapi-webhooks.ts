/**
 * OpenAPI 3.1 `webhooks`: one entry per event type, describing what the gateway posts to a
 * merchant's endpoint (Standard Webhooks headers, the payload) and what it expects back.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { EventPayload } from '../schemas/events.ts';
import { PaymentView } from '../schemas/payment.ts';
import { PayoutView } from '../schemas/payout.ts';
import { EVENT_DESCRIPTIONS, EVENT_TYPES, isPayoutEvent } from './event-types.ts';

const header = (name: string, description: string) => ({ name, in: 'header', required: true, schema: { type: 'string' }, description });

type Webhooks = NonNullable<Extract<NonNullable<FastifyDynamicSwaggerOptions['openapi']>, { webhooks?: unknown }>['webhooks']>;

export function merchantEventWebhooks(): Webhooks {
  // Plain JSON: the document is served as is.
  const plain = <T>(schema: unknown) => JSON.parse(JSON.stringify(schema)) as T;
  const payload = plain<{ properties: Record<string, unknown> }>(EventPayload);
  const subjects = { payment: plain<object>(PaymentView), payout: plain<object>(PayoutView) };
  const entries = EVENT_TYPES.map((type) => [
    type,
    {
      post: {
        // payment.succeeded -> paymentSucceeded: what a generated server stub names its handler.
        operationId: type.replace(/[._](\w)/g, (_m, c: string) => c.toUpperCase()),
        summary: `Event ${type}`,
        // No API key: the gateway signs the delivery instead (webhook-signature).
        security: [],
        description:
          `${EVENT_DESCRIPTIONS[type]} Signed per Standard Webhooks: verify webhook-signature over ` +
          '"webhook-id.webhook-timestamp.body" with the endpoint secret before trusting it; dedupe on webhook-id. ' +
          'Answer any 2xx within 10 seconds; anything else is retried. Ordering between events is not guaranteed.',
        parameters: [
          header('webhook-id', 'The event id; the same on every retry of the event.'),
          header('webhook-timestamp', 'Seconds since the epoch when this attempt was signed.'),
          header('webhook-signature', 'Space-separated "v1,<base64 HMAC-SHA256>" signatures, two while a secret rotates.'),
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                ...payload,
                properties: { ...payload.properties, type: { type: 'string', const: type }, data: isPayoutEvent(type) ? subjects.payout : subjects.payment },
              },
            },
          },
        },
        responses: {
          '2XX': { description: 'Received. The body of the answer is ignored (its first bytes are kept for the merchant to read).' },
          default: { description: 'Retried on the schedule (MERCHANT_WEBHOOK_RETRY_SCHEDULE).' },
        },
      },
    },
  ]);
  return Object.fromEntries(entries) as Webhooks;
}
