/**
 * Names of the recording rules, `level:metric:operations`. Alerts and dashboards read the shared
 * ratios through these, and the PromQL name check accepts exactly this list besides the catalog.
 */
import type { Duration } from './config.ts';

export const PAYMENT_RATIO_WINDOWS = ['5m', '30m', '1h'] as const satisfies readonly Duration[];
/** Windows dashboards read beside volume: short enough to follow an incident, long enough not to go NaN between calls. */
export const DASHBOARD_WINDOWS = ['5m', '30m'] as const satisfies readonly Duration[];
export const AVAILABILITY_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const satisfies readonly Duration[];

export const recorded = {
  paymentSuccessRatio: (w: Duration) => `job:feexpay_payments:success_ratio_rate${w}`,
  paymentFinishedRate: (w: Duration) => `job:feexpay_payments_finished:rate${w}`,
  networkSuccessRatio: (w: Duration) => `job_network:feexpay_payments:success_ratio_rate${w}`,
  networkFinishedRate: (w: Duration) => `job_network:feexpay_payments_finished:rate${w}`,
  httpErrorRatio: (w: Duration) => `job:http_requests:error_ratio_rate${w}`,
  httpRequestRate: (w: Duration) => `job:http_requests:rate${w}`,
  feexpayLatencyP95: (w: Duration) => `job_operation:feexpay_api_request_duration_seconds:p95_rate${w}`,
  feexpayCallRate: (w: Duration) => `job_operation:feexpay_api_calls:rate${w}`,
  feexpayErrorRatio: (w: Duration) => `job_operation:feexpay_api_calls:error_ratio_rate${w}`,
  feexpayTimeoutRatio: (w: Duration) => `job_operation:feexpay_api_calls:timeout_ratio_rate${w}`,
  // Per replica, for dashboards: they sum what the $instance variable selects, so a ratio of two
  // sums is the job's ratio when every replica is selected and one replica's when one is.
  instanceFeexpayCalls: (w: Duration) => `job_instance_operation_outcome:feexpay_api_calls:rate${w}`,
  instanceFeexpayBuckets: (w: Duration) => `job_instance_operation_le:feexpay_api_request_duration_seconds_bucket:rate${w}`,
  instancePaymentsFinished: (w: Duration) => `job_instance_network_outcome:feexpay_payments_finished:rate${w}`,
  instanceHttpRequests: (w: Duration) => `job_instance_status:http_requests:rate${w}`,
  instanceHttpBuckets: (w: Duration) => `job_instance_le:http_request_duration_seconds_bucket:rate${w}`,
} as const;
