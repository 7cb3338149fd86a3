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

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Who produces the series: the service itself, a library inside it, Prometheus, or an exporter. */
export type MetricSource =
  | 'service'
  | 'prom-client-defaults'
  | 'prometheus'
  | 'postgres_exporter'
  | 'redis_exporter'
  | 'node_exporter'
  | 'kube-state-metrics'
  | 'kubelet';

export interface MetricDef<L extends string = string> {
  /** Full series name as Prometheus stores it (counters end in _total). */
  name: string;
  type: MetricType;
  help: string;
  /** Label names with their allowed values; `null` means the value set is bounded elsewhere. */
  labels: Readonly<Record<L, readonly string[] | null>>;
  buckets?: readonly number[];
  source: MetricSource;
}

const def = <L extends string, T extends MetricType>(m: MetricDef<L> & { type: T }): MetricDef<L> & { type: T } => m;

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

const network = PAYMENT_NETWORKS;
const outcome = ['successful', 'failed', 'expired'] as const;
const reason = ['none', ...FAILURE_REASONS] as const;

// ---- Merchant events (signed webhooks to merchants' endpoints) ------------------------------
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
// ---- end of merchant events ----------------------------------------------------------------

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
  // ---- payouts (money sent to a phone) ----
  payoutsRequested: def({
    name: 'feexpay_payouts_requested_total',
    type: 'counter',
    help: 'Payouts accepted by the API (within the daily cap) and sent to FeexPay, by network.',
    labels: { network: PAYOUT_NETWORKS },
    source: 'service',
  }),
  payoutOutcomes: def({
    name: 'feexpay_payouts_outcomes_total',
    type: 'counter',
    help: 'Payouts that left pending, by network, outcome (needs_review: not established) and failure reason class.',
    labels: { network: PAYOUT_NETWORKS, outcome: ['successful', 'failed', 'needs_review'], reason },
    source: 'service',
  }),
  amountPaidOut: def({
    name: 'feexpay_payouts_amount_total',
    type: 'counter',
    help: 'Money FeexPay confirmed sent by successful payouts, in whole currency units.',
    labels: { network: PAYOUT_NETWORKS, currency: CURRENCIES },
    source: 'service',
  }),
  payoutsPending: def({
    name: 'feexpay_payouts_pending',
    type: 'gauge',
    help: 'Payouts currently pending, by network (read from the database: the same on every replica).',
    labels: { network: PAYOUT_NETWORKS },
    source: 'service',
  }),
  payoutsOldestPending: def({
    name: 'feexpay_payouts_oldest_pending_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest payout still pending (0 when none), from the database.',
    labels: {},
    source: 'service',
  }),
  payoutCapHits: def({
    name: 'feexpay_payout_cap_exceeded_total',
    type: 'counter',
    help: 'Payouts refused because they would take a merchant past its daily payout cap, by currency.',
    labels: { currency: CURRENCIES },
    source: 'service',
  }),
  logDiskUsage: def({
    name: 'feexpay_log_disk_usage_ratio',
    type: 'gauge',
    help: 'Used fraction of the filesystem that holds LOG_DIR (0 to 1).',
    labels: {},
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

/** prom-client's collectDefaultMetrics, the ones dashboards and alerts read. */
export const runtimeMetrics = {
  cpuSeconds: def({ name: 'process_cpu_seconds_total', type: 'counter', help: 'CPU time used.', labels: {}, source: 'prom-client-defaults' }),
  residentMemory: def({ name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident memory.', labels: {}, source: 'prom-client-defaults' }),
  startTime: def({ name: 'process_start_time_seconds', type: 'gauge', help: 'Process start time.', labels: {}, source: 'prom-client-defaults' }),
  eventLoopLagP99: def({ name: 'nodejs_eventloop_lag_p99_seconds', type: 'gauge', help: 'Event loop lag, 99th percentile.', labels: {}, source: 'prom-client-defaults' }),
  heapUsed: def({ name: 'nodejs_heap_size_used_bytes', type: 'gauge', help: 'V8 heap used.', labels: {}, source: 'prom-client-defaults' }),
  heapTotal: def({ name: 'nodejs_heap_size_total_bytes', type: 'gauge', help: 'V8 heap size.', labels: {}, source: 'prom-client-defaults' }),
} as const;

/** Series produced outside the service that dashboards and alerts rely on. */
export const externalMetrics = {
  up: def({ name: 'up', type: 'gauge', help: 'Whether Prometheus scraped the target.', labels: { job: null, instance: null }, source: 'prometheus' }),
  pgUp: def({ name: 'pg_up', type: 'gauge', help: 'Whether postgres_exporter reached PostgreSQL.', labels: {}, source: 'postgres_exporter' }),
  pgConnections: def({ name: 'pg_stat_activity_count', type: 'gauge', help: 'PostgreSQL connections by state.', labels: { datname: null, state: null }, source: 'postgres_exporter' }),
  pgDeadlocks: def({ name: 'pg_stat_database_deadlocks', type: 'counter', help: 'Deadlocks detected.', labels: { datname: null }, source: 'postgres_exporter' }),
  pgCommits: def({ name: 'pg_stat_database_xact_commit', type: 'counter', help: 'Transactions committed.', labels: { datname: null }, source: 'postgres_exporter' }),
  pgMaxConnections: def({ name: 'pg_settings_max_connections', type: 'gauge', help: 'max_connections setting.', labels: {}, source: 'postgres_exporter' }),
  redisUp: def({ name: 'redis_up', type: 'gauge', help: 'Whether redis_exporter reached Redis.', labels: {}, source: 'redis_exporter' }),
  redisMemoryUsed: def({ name: 'redis_memory_used_bytes', type: 'gauge', help: 'Memory used by Redis.', labels: {}, source: 'redis_exporter' }),
  redisMemoryMax: def({ name: 'redis_memory_max_bytes', type: 'gauge', help: 'Redis maxmemory (0 when unset).', labels: {}, source: 'redis_exporter' }),
  nodeFsAvail: def({ name: 'node_filesystem_avail_bytes', type: 'gauge', help: 'Filesystem space available.', labels: { mountpoint: null, device: null, fstype: null }, source: 'node_exporter' }),
  nodeFsSize: def({ name: 'node_filesystem_size_bytes', type: 'gauge', help: 'Filesystem size.', labels: { mountpoint: null, device: null, fstype: null }, source: 'node_exporter' }),
  kubePodRestarts: def({ name: 'kube_pod_container_status_restarts_total', type: 'counter', help: 'Container restarts.', labels: { namespace: null, pod: null, container: null }, source: 'kube-state-metrics' }),
  kubeDeploymentAvailable: def({ name: 'kube_deployment_status_replicas_available', type: 'gauge', help: 'Available replicas.', labels: { namespace: null, deployment: null }, source: 'kube-state-metrics' }),
  kubeDeploymentDesired: def({ name: 'kube_deployment_spec_replicas', type: 'gauge', help: 'Desired replicas.', labels: { namespace: null, deployment: null }, source: 'kube-state-metrics' }),
  kubeletVolumeUsed: def({ name: 'kubelet_volume_stats_used_bytes', type: 'gauge', help: 'Volume bytes used.', labels: { namespace: null, persistentvolumeclaim: null }, source: 'kubelet' }),
  kubeletVolumeCapacity: def({ name: 'kubelet_volume_stats_capacity_bytes', type: 'gauge', help: 'Volume capacity.', labels: { namespace: null, persistentvolumeclaim: null }, source: 'kubelet' }),
  // Alerting (issue 15): Prometheus's own series of alert states, for dashboard annotations.
  alerts: def({
    name: 'ALERTS',
    type: 'gauge',
    help: 'One series per pending or firing alert, with the rule and series labels.',
    labels: { alertname: null, alertstate: ['pending', 'firing'], severity: null, service: null, component: null, operation: null, network: null },
    source: 'prometheus',
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
