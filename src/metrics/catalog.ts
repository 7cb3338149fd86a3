/**
 * Every metric the service exports and every metric the monitoring stack reads from elsewhere,
 * defined once. The service registers from here; dashboards/ and alerts/ import names from here,
 * and a test fails on any PromQL that names a metric missing from this file.
 */
import { PAYMENT_NETWORKS, CURRENCIES } from '../domain/networks.ts';
import { FAILURE_REASONS, REVIEW_CAUSES } from '../domain/payment-status.ts';
import { PAYOUT_NETWORKS } from '../domain/payouts.ts';
import { WEBHOOK_RESULTS } from '../domain/webhook-results.ts';
import { FEEXPAY_OPERATIONS } from '../feexpay/types.ts';
import { def, REASON_LABEL as reason, type MetricDef } from './metric-def.ts';
import { merchantEventMetrics } from './catalog-merchant-events.ts';
import { payoutMetrics } from './catalog-payouts.ts';
import { externalMetrics, runtimeMetrics } from './catalog-external.ts';

export type { MetricDef, MetricSource, MetricType } from './metric-def.ts';
export { externalMetrics, runtimeMetrics } from './catalog-external.ts';

/**
 * The FeexPay client's default timeouts (FEEXPAY_STATUS_TIMEOUT_MS, FEEXPAY_REQUEST_TIMEOUT_MS),
 * in seconds. A timed-out call ends a few milliseconds past its timeout, so each timeout gets a
 * bound at itself and one 5% above it: hung calls fill that narrow bucket and a p95/p99 reads
 * about the timeout instead of interpolating to the middle of a wide bucket (9.7 s for calls that
 * all ended at 8 s). A deployment that changes a timeout should keep it one of these bounds.
 */
export const FEEXPAY_CLIENT_TIMEOUTS_SECONDS = [10, 30] as const;
/** Resolves the 5 s FeexPay threshold exactly, the client timeouts, and the 120 s calls integrators see. */
export const FEEXPAY_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 7.5, 10, 10.5, 20, 30, 31.5, 60, 120] as const;

/** HTTP latency of our own API; 0.05 is the p99 target of the benchmark. */
export const HTTP_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Which bound of LOAD_SHED_* made the service shed a request. */
export const LOAD_SHED_REASONS = ['event_loop_delay', 'heap_used', 'rss'] as const;

/** The statements payments/batched-writes.ts shares between requests. */
export const BATCHED_STATEMENTS = ['payment_claim', 'payment_attach'] as const;

const network = PAYMENT_NETWORKS;
const outcome = ['successful', 'failed', 'expired'] as const;

export const serviceMetrics = {
  paymentsInitiated: def({
    name: 'feexpay_payments_initiated_total',
    type: 'counter',
    help: 'Payments accepted by the API and sent to FeexPay request-to-pay, by network.',
    labels: { network },
    source: 'service',
  }),
  paymentsFinished: def({
    name: 'feexpay_payments_finished_total',
    type: 'counter',
    help: 'Payments that reached a terminal state, by network, outcome and failure reason class.',
    labels: { network, outcome, reason },
    source: 'service',
  }),
  amountCollected: def({
    name: 'feexpay_payments_amount_total',
    type: 'counter',
    help: 'Money collected by successful payments, in whole currency units.',
    labels: { network, currency: CURRENCIES },
    source: 'service',
  }),
  feexpayRequestDuration: def({
    name: 'feexpay_api_request_duration_seconds',
    type: 'histogram',
    help: 'Duration of calls to the FeexPay API, by operation and outcome.',
    labels: {
      operation: FEEXPAY_OPERATIONS,
      outcome: ['ok', 'failed', 'timeout', 'error'],
    },
    buckets: FEEXPAY_LATENCY_BUCKETS,
    source: 'service',
  }),
  webhookDeliveries: def({
    name: 'feexpay_webhook_deliveries_total',
    type: 'counter',
    help: 'FeexPay webhook deliveries received, by what the service did with them.',
    labels: { result: WEBHOOK_RESULTS },
    source: 'service',
  }),
  paymentsPending: def({
    name: 'feexpay_payments_pending',
    type: 'gauge',
    help: 'Payments currently pending, by network.',
    labels: { network },
    source: 'service',
  }),
  reconcilerOldestDue: def({
    name: 'feexpay_reconciler_oldest_due_seconds',
    type: 'gauge',
    help: 'How long the oldest pending payment due for a status check has waited past its due time.',
    labels: {},
    source: 'service',
  }),
  reconcilerRuns: def({
    name: 'feexpay_reconciler_runs_total',
    type: 'counter',
    help: 'Reconciler passes, by result.',
    labels: { result: ['ok', 'error'] },
    source: 'service',
  }),
  reconcilerChecks: def({
    name: 'feexpay_reconciler_checks_total',
    type: 'counter',
    help: 'Pending payments checked by the reconciler, by what the check decided.',
    labels: { outcome: ['settled', 'still_pending', 'expired', 'review', 'error'] },
    source: 'service',
  }),
  batchedStatementRows: def({
    name: 'feexpay_db_batched_statement_rows',
    type: 'histogram',
    help: 'Payments carried by one shared statement (payment_claim: POST /v1/payments; payment_attach: storing FeexPay references): 1 at low load, more as requests queue behind the statement in flight.',
    labels: { statement: BATCHED_STATEMENTS },
    buckets: [1, 2, 4, 8, 16, 32, 64],
    source: 'service',
  }),
  idempotentRequests: def({
    name: 'feexpay_idempotency_outcomes_total',
    type: 'counter',
    help: 'POST /v1/payments requests by idempotency outcome.',
    labels: { outcome: ['created', 'replayed', 'in_flight', 'key_reused'] },
    source: 'service',
  }),
  otpSubmissions: def({
    name: 'feexpay_otp_submissions_total',
    type: 'counter',
    help: 'Codes sent with POST /v1/payments/{id}/otp, by what FeexPay made of them (not_awaiting: refused before FeexPay).',
    labels: { network, result: ['accepted', 'refused', 'unknown', 'not_awaiting'] },
    source: 'service',
  }),
  paymentsRefusedBeforeFeexPay: def({
    name: 'feexpay_payments_refused_total',
    type: 'counter',
    help: 'Payment requests refused by the operator settings before any call to FeexPay, by network and why.',
    labels: { network, reason: ['maintenance', 'amount_out_of_range'] },
    source: 'service',
  }),
  notifications: def({
    name: 'feexpay_notifications_total',
    type: 'counter',
    help: 'Alert notifications from the service itself, by channel and result.',
    labels: { channel: ['email', 'slack'], result: ['sent', 'suppressed', 'failed'] },
    source: 'service',
  }),
  testModePayments: def({
    name: 'feexpay_test_mode_payments_total',
    type: 'counter',
    help: 'Payments made with test keys (simulator only, never money), created and finished: kept out of every money metric.',
    labels: { event: ['initiated', 'finished'] },
    source: 'service',
  }),
  // ---- payment review (a person must establish the outcome) ----
  paymentsToReview: def({
    name: 'feexpay_payments_review_entered_total',
    type: 'counter',
    help: 'Payments moved to needs_review because the service could not establish their outcome, by network and cause.',
    labels: { network, cause: REVIEW_CAUSES },
    source: 'service',
  }),
  reviewItemsOpened: def({
    name: 'feexpay_review_items_opened_total',
    type: 'counter',
    help: 'Review items opened (FeexPay news that fits no recorded outcome, or an outcome not established), by cause.',
    labels: { cause: REVIEW_CAUSES },
    source: 'service',
  }),
  reviewItemsOpen: def({
    name: 'feexpay_review_items_open',
    type: 'gauge',
    help: 'Review items waiting for an operator, by cause (read from the database: the same on every replica).',
    labels: { cause: REVIEW_CAUSES },
    source: 'service',
  }),
  reviewItemsOldest: def({
    name: 'feexpay_review_items_oldest_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest review item waiting for an operator (0 when none).',
    labels: {},
    source: 'service',
  }),
  paymentsOldestPending: def({
    name: 'feexpay_payments_oldest_pending_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest payment still pending (0 when none), from the database: independent of process uptime.',
    labels: {},
    source: 'service',
  }),
  ...payoutMetrics,
  logDiskUsage: def({
    name: 'feexpay_log_disk_usage_ratio',
    type: 'gauge',
    help: 'Used fraction of the filesystem that holds LOG_DIR (0 to 1).',
    labels: {},
    source: 'service',
  }),
  requestsShed: def({
    name: 'feexpay_requests_shed_total',
    type: 'counter',
    help: 'Requests answered 503 overloaded by load shedding, by the bound that was passed.',
    labels: { reason: LOAD_SHED_REASONS },
    source: 'service',
  }),
  ...merchantEventMetrics,
} as const;

/** Observed by the metrics plugin's onResponse hook (plugins/external/metrics.ts). */
export const httpMetrics = {
  requestDuration: def({
    name: 'http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request duration by method, route pattern and status code.',
    labels: { method: null, route: null, status_code: null },
    buckets: HTTP_LATENCY_BUCKETS,
    source: 'service',
  }),
} as const;

export const catalog = { ...serviceMetrics, ...httpMetrics, ...runtimeMetrics, ...externalMetrics } as const;

/**
 * Every series name that may legally appear in PromQL, including the _bucket/_sum/_count
 * series Prometheus derives from a histogram.
 */
export function knownSeriesNames(): Set<string> {
  const names = new Set<string>();
  for (const m of Object.values(catalog) as MetricDef[]) {
    names.add(m.name);
    if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  return names;
}
