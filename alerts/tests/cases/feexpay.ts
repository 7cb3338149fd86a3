/** promtool cases for FeexPay's side: API latency, webhook failures, operators reported down, reconciler lag. */
import { serviceMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, type MonitoringConfig } from '../../config.ts';
import { flat, grow, minutes, s, fires, silent, windowTiming, type InputSeries, type RuleBook, type TestGroup } from '../model.ts';
import { scope } from './payments.ts';

const CALLS_PER_MINUTE = 100;

/**
 * Bucket series for calls at `op`: `slow` of every 100 calls take between the threshold and the
 * next bucket bound, the rest between the previous bound and the threshold; `perMinute` calls.
 */
function latencyBuckets(cfg: MonitoringConfig, op: string, slow: number, steps: number, perMinute = CALLS_PER_MINUTE): InputSeries[] {
  const def = serviceMetrics.feexpayRequestDuration;
  const bounds = [...(def.buckets ?? [])];
  const t = cfg.feexpay.latencyP95.thresholdSeconds;
  const i = bounds.indexOf(t);
  if (i < 1 || i === bounds.length - 1) throw new Error(`FeexPay latency threshold ${t} must be an inner bucket bound`);
  const l = { ...scope(cfg), instance: 'api-0', operation: op, outcome: 'ok' };
  const fast = (perMinute * (100 - slow)) / 100;
  // Nothing at or under the previous bound, the fast calls up to the threshold, the rest above.
  const cumulative = (le: number) => (le <= bounds[i - 1]! ? 0 : le <= t ? fast : perMinute);
  const les = [...bounds.map((b) => [String(b), cumulative(b)] as const), ['+Inf', perMinute] as const];
  return [
    ...les.map(([le, n]) => ({ series: s(`${def.name}_bucket`, { ...l, le }), values: grow(n, steps) })),
    { series: s(`${def.name}_count`, l), values: grow(perMinute, steps) },
  ];
}

/** p95 as histogram_quantile interpolates it for latencyBuckets(slow). */
function p95(cfg: MonitoringConfig, slow: number): number {
  const bounds = serviceMetrics.feexpayRequestDuration.buckets ?? [];
  const t = cfg.feexpay.latencyP95.thresholdSeconds;
  const i = bounds.indexOf(t);
  const [lo, hi] = [bounds[i - 1]!, bounds[i + 1]!];
  const rank = 0.95 * CALLS_PER_MINUTE;
  const fast = CALLS_PER_MINUTE - slow;
  return rank <= fast ? lo + (t - lo) * (rank / fast) : t + (hi - t) * ((rank - fast) / slow);
}

export function latencyGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.feexpay.latencyP95;
  const rule = book.get('FeexPayApiLatencyHigh');
  const { steps, at } = windowTiming(k);
  const who = { ...scope(cfg), operation: 'request_to_pay' };
  return [
    { title: 'p95 past the limit fires for that operation', interval: '1m',
      input_series: [...latencyBuckets(cfg, 'request_to_pay', 20, steps), ...latencyBuckets(cfg, 'status', 0, steps)],
      alert_rule_test: [fires(rule, at, book.expect(rule, who, p95(cfg, 20)))] },
    { title: 'p95 just past the limit fires', interval: '1m',
      input_series: latencyBuckets(cfg, 'request_to_pay', 6, steps),
      alert_rule_test: [fires(rule, at, book.expect(rule, who, p95(cfg, 6)))] },
    { title: 'p95 just under the limit is silent', interval: '1m',
      input_series: latencyBuckets(cfg, 'request_to_pay', 4, steps),
      alert_rule_test: [silent(rule, at)] },
    { title: 'quiet night: a few slow calls do not page', interval: '1m',
      input_series: latencyBuckets(cfg, 'request_to_pay', 50, steps, Math.max(1, Math.floor(k.minRatePerSecond * 60 / 2))),
      alert_rule_test: [silent(rule, at)] },
    { title: 'no calls at all is silent', interval: '1m',
      input_series: latencyBuckets(cfg, 'request_to_pay', 0, steps).map((x) => ({ ...x, values: flat(0, steps) })),
      alert_rule_test: [silent(rule, at)] },
  ];
}

export function webhookGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.feexpay.webhookErrors;
  const rule = book.get('FeexPayWebhookErrorsHigh');
  const forMin = durationSeconds(k.for) / 60;
  // An hour of clean history first, so the 1h window holds the whole story (no extrapolation).
  const errorsThen = (n: number) => (n > 0 ? `${flat(0, 60)} ${grow(1, n - 1, 1)} ${flat(n, 60)}` : flat(0, 121 + k.maxPerHour));
  const at = minutes(60 + k.maxPerHour + 1 + forMin + 2);
  if (60 + k.maxPerHour + forMin + 3 > 120) throw new Error('webhook test needs maxPerHour + for under an hour');
  const deliveries = (result: string, values: string) => ({
    series: s(serviceMetrics.webhookDeliveries.name, { ...scope(cfg), instance: 'api-0', result }),
    values,
  });
  const processed = deliveries('processed', grow(20, 130));
  const [first, second] = [k.results[0] ?? 'error', k.results[1] ?? k.results[0] ?? 'error'];
  const over = k.maxPerHour + 1;
  return [
    { title: 'one error more than allowed in an hour fires', interval: '1m',
      input_series: [processed, deliveries(first, errorsThen(over))],
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), over))] },
    { title: 'errors of every counted result add up', interval: '1m',
      input_series: [processed, deliveries(first, errorsThen(Math.ceil(over / 2))), deliveries(second, errorsThen(Math.floor(over / 2)))],
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), over))] },
    { title: 'exactly the allowed number of errors is silent', interval: '1m',
      input_series: [processed, deliveries(first, errorsThen(k.maxPerHour))],
      alert_rule_test: [silent(rule, at)] },
    { title: 'duplicates and unknown references are not errors', interval: '1m',
      input_series: [processed, deliveries('duplicate', errorsThen(over * 3)), deliveries('unknown_reference', errorsThen(over))],
      alert_rule_test: [silent(rule, at)] },
  ];
}

export function operatorUnavailableGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.feexpay.operatorUnavailable;
  const rule = book.get('FeexPayOperatorUnavailable');
  const forMin = durationSeconds(k.for) / 60;
  const windowMin = durationSeconds(k.window) / 60;
  const over = k.maxFailures + 1;
  // Twenty clean minutes, then one refusal a minute: the window holds the whole story (no extrapolation).
  const refusals = (n: number) => (n > 0 ? `${flat(0, 20)} ${grow(1, n - 1, 1)} ${flat(n, 30)}` : flat(0, 51 + over));
  const at = minutes(20 + over + forMin + 2);
  if (over + forMin + 2 > windowMin) throw new Error('operator-unavailable test needs maxFailures + for within the window');
  const finished = (network: string, outcome: string, reason: string, values: string) => ({
    series: s(serviceMetrics.paymentsFinished.name, { ...scope(cfg), instance: 'api-0', network, outcome, reason }),
    values,
  });
  const successes = finished('mtn', 'successful', 'none', grow(5, 60));
  return [
    { title: 'one refusal more than allowed on a network fires for that network', interval: '1m',
      input_series: [successes, finished('wave_ci', 'failed', 'network_unavailable', refusals(over)), finished('mtn', 'failed', 'network_unavailable', refusals(1))],
      alert_rule_test: [fires(rule, at, book.expect(rule, { ...scope(cfg), network: 'wave_ci' }, over))] },
    { title: 'exactly the allowed number is silent', interval: '1m',
      input_series: [successes, finished('wave_ci', 'failed', 'network_unavailable', refusals(k.maxFailures))],
      alert_rule_test: [silent(rule, at)] },
    { title: 'refusals on two networks do not add up', interval: '1m',
      input_series: [finished('wave_ci', 'failed', 'network_unavailable', refusals(k.maxFailures)), finished('orange_ci', 'failed', 'network_unavailable', refusals(k.maxFailures))],
      alert_rule_test: [silent(rule, at)] },
    { title: 'other failure reasons do not count', interval: '1m',
      input_series: [finished('wave_ci', 'failed', 'insufficient_funds', refusals(over * 3))],
      alert_rule_test: [silent(rule, at)] },
  ];
}

export function reconcilerGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.feexpay.reconcilerWait;
  const rule = book.get('FeexPayReconcilerLagging');
  const forMin = durationSeconds(k.for) / 60;
  const steps = forMin + 20;
  const gauge = (v: number) => ({
    series: s(serviceMetrics.reconcilerOldestDue.name, { ...scope(cfg), instance: 'api-0' }),
    values: `${flat(0, 5)} ${flat(v, steps - 6)}`,
  });
  const lagging = k.thresholdSeconds * 2;
  return [
    { title: 'oldest due payment waiting past the limit fires', interval: '1m', input_series: [gauge(lagging)],
      alert_rule_test: [
        silent(rule, minutes(5 + forMin - 1)),
        fires(rule, minutes(steps - 2), book.expect(rule, scope(cfg), lagging)),
      ] },
    { title: 'a wait just under the limit is silent', interval: '1m', input_series: [gauge(k.thresholdSeconds - 1)],
      alert_rule_test: [silent(rule, minutes(steps - 2))] },
    { title: 'no wait is silent', interval: '1m', input_series: [gauge(0)],
      alert_rule_test: [silent(rule, minutes(steps - 2))] },
  ];
}
