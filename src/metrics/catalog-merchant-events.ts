/** Catalog entries of merchant events (signed webhooks to merchants' endpoints). */
import { def } from './metric-def.ts';

/** Event to acknowledgement: a first attempt is well under a second; retries reach the hours. */
export const MERCHANT_EVENT_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36000, 108000] as const;

export const merchantEventMetrics = {
  merchantEventAttempts: def({
    name: 'feexpay_merchant_event_attempts_total',
    type: 'counter',
    help: 'Delivery attempts of merchant events to their endpoints, by outcome.',
    labels: { outcome: ['succeeded', 'http_error', 'timeout', 'network_error', 'refused'] },
    source: 'service',
  }),
  merchantEventDeliveryLatency: def({
    name: 'feexpay_merchant_event_delivery_seconds',
    type: 'histogram',
    help: 'Time from a merchant event being written to an endpoint acknowledging it with a 2xx.',
    labels: {},
    buckets: MERCHANT_EVENT_LATENCY_BUCKETS,
    source: 'service',
  }),
  merchantEventOldestUndelivered: def({
    name: 'feexpay_merchant_event_oldest_undelivered_seconds',
    type: 'gauge',
    help: 'Age of the oldest live merchant event still waiting for delivery to an endpoint that is not failing (0 when none waits).',
    labels: {},
    source: 'service',
  }),
  merchantWebhookEndpoints: def({
    name: 'feexpay_merchant_webhook_endpoints',
    type: 'gauge',
    help: 'Live merchant webhook endpoints by state: enabled, failing (enabled, last attempts failed) or disabled.',
    labels: { state: ['enabled', 'failing', 'disabled'] },
    source: 'service',
  }),
} as const;
