/**
 * How long a stopping process may drain before close-with-grace ends it with exit 1
 * (src/server.ts): an in-flight payment can wait FEEXPAY_REQUEST_TIMEOUT_MS for FeexPay, then
 * 5 s for the close, the database and the Sentry flush. Whatever stops the process must wait
 * longer than this before it kills it: the pod's grace period (k8s/api.ts) and compose's
 * `stop_grace_period` (docker-compose.yml, checked by test/deploy/compose.test.ts).
 */
export function drainBoundMs(feexpayRequestTimeoutMs: number): number {
  return feexpayRequestTimeoutMs + 5_000;
}
