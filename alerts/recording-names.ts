/**
 * Names of the recording rules, `level:metric:operations`. Alerts and dashboards read the shared
 * ratios through these, and the PromQL name check accepts exactly this list besides the catalog.
 */
import type { Duration } from './config.ts';

export const PAYMENT_RATIO_WINDOWS = ['5m', '30m', '1h'] as const satisfies readonly Duration[];
export const AVAILABILITY_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const satisfies readonly Duration[];

export const recorded = {
  paymentSuccessRatio: (w: Duration) => `job:feexpay_payments:success_ratio_rate${w}`,
  paymentFinishedRate: (w: Duration) => `job:feexpay_payments_finished:rate${w}`,
  networkSuccessRatio: (w: Duration) => `job_network:feexpay_payments:success_ratio_rate${w}`,
  networkFinishedRate: (w: Duration) => `job_network:feexpay_payments_finished:rate${w}`,
  httpErrorRatio: (w: Duration) => `job:http_requests:error_ratio_rate${w}`,
  httpRequestRate: (w: Duration) => `job:http_requests:rate${w}`,
  feexpayLatencyP95: (w: Duration) => `job_operation:feexpay_api_request_duration_seconds:p95_rate${w}`,
} as const;
