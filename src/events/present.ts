/**
 * The public shapes of endpoints and events; an event's data is its subject as the API shows it:
 * the payment of GET /v1/payments/:id, or the payout of GET /v1/payouts/:id.
 */
import { presentPayment } from '../payments/present.ts';
import type { PaymentRow } from '../payments/repository.ts';
import { presentPayout } from '../payouts/present.ts';
import type { PayoutRow } from '../payouts/repository.ts';
import { isPayoutEvent } from './event-types.ts';
import type { EndpointRow } from './endpoints.ts';
import type { AttemptRow, DeliveryRow, EventRow } from './events.ts';
import type { EndpointView, EventDetailView, EventPayload, EventView } from '../schemas/events.ts';

const iso = (d: Date | string) => new Date(d).toISOString();

export function presentEndpoint(row: EndpointRow, shownSecret?: string): EndpointView {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    livemode: row.livemode,
    url: row.url,
    description: row.description,
    enabled_events: row.enabled_events,
    status: row.status,
    ...(shownSecret ? { secret: shownSecret } : {}),
    created_at: iso(row.created_at),
  };
}

/** The snapshot the trigger froze keeps the subject's columns (phone reduced to its last four digits). */
const eventData = (type: string, snapshot: Record<string, unknown>) =>
  isPayoutEvent(type) ? presentPayout(snapshot as unknown as PayoutRow) : presentPayment(snapshot as unknown as PaymentRow);

/** What is posted to the endpoint (Standard Webhooks' payload shape). */
export function eventPayload(e: Pick<EventRow, 'id' | 'type' | 'created_at' | 'snapshot'>): EventPayload {
  return { id: e.id, type: e.type, timestamp: iso(e.created_at), data: eventData(e.type, e.snapshot) };
}

export function presentEvent(e: EventRow): EventView {
  return { id: e.id, object: 'event', livemode: e.livemode, type: e.type, created_at: iso(e.created_at), data: eventData(e.type, e.snapshot) };
}

export function presentEventDetail(e: EventRow, deliveries: DeliveryRow[], attempts: AttemptRow[]): EventDetailView {
  return {
    ...presentEvent(e),
    deliveries: deliveries.map((d) => ({
      endpoint_id: d.endpoint_id,
      status: d.status,
      attempt_count: d.attempts,
      next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
      finished_at: d.finished_at ? iso(d.finished_at) : null,
      attempts: attempts
        .filter((a) => Number(a.delivery_id) === Number(d.id))
        .map((a) => ({
          attempt: a.attempt,
          outcome: a.outcome,
          response_status: a.response_status,
          response_body: a.response_body,
          duration_ms: a.duration_ms,
          started_at: iso(a.started_at),
        })),
    })),
  };
}
