/** promtool cases for FeexPay's side: errors and timeouts, API latency, operators reported down (webhooks.ts: its webhooks). */
import { serviceMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, type MonitoringConfig } from '../../config.ts';
import { pct } from '../../alert.ts';
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

/**
 * Call counters for one operation: per minute, `ok` calls answered and `bad` ending in `outcome`,
 * from `from` minutes on (healthy before, at the same volume); every series exists from time 0.
 */
function calls(cfg: MonitoringConfig, op: string, outcome: 'error' | 'timeout', ok: number, bad: number, steps: number, from = 0): InputSeries[] {
  const count = `${serviceMetrics.feexpayRequestDuration.name}_count`;
  const l = { ...scope(cfg), instance: 'api-0', operation: op };
  const before = (n: number) => (from > 0 ? `${grow(n, from)} ` : '');
  const total = ok + bad;
  const okValues = from > 0 ? `${before(total)}${grow(ok, steps - from - 1, total * from + ok)}` : grow(ok, steps);
  const badValues = from > 0 ? `${flat(0, from)} ${grow(bad, steps - from - 1, bad)}` : grow(bad, steps);
  return [
    { series: s(count, { ...l, outcome: 'ok' }), values: okValues },
    { series: s(count, { ...l, outcome }), values: badValues },
  ];
}

/**
 * Errors (FeexPay failing fast) and timeouts (FeexPay hanging) share one set of cases: the outage
 * pages within 10 minutes of its start, a healthy share is silent, the edge on both sides of the
 * threshold and of the volume guard, and a quiet night of a few failed calls never pages.
 */
export function feexpayRatioGroups(cfg: MonitoringConfig, book: RuleBook, outcome: 'error' | 'timeout'): TestGroup[] {
  const k = outcome === 'error' ? cfg.feexpay.errorRatio : cfg.feexpay.timeoutRatio;
  const rule = book.get(outcome === 'error' ? 'FeexPayApiErrorsHigh' : 'FeexPayApiTimeoutsHigh');
  const forMin = durationSeconds(k.for) / 60;
  const windowMin = durationSeconds(k.window) / 60;
  const { steps, at } = windowTiming(k);
  const op = 'request_to_pay';
  const who = { ...scope(cfg), operation: op };
  const perMinute = 100;
  const over = Math.ceil(k.threshold * perMinute) + 2;
  const under = Math.floor(k.threshold * perMinute) - 1;
  // The outage starts at minute `start`; the threshold is crossed after `cross` minutes of it.
  const start = windowMin + 10;
  const cross = Math.floor(k.threshold * windowMin) + 1;
  const outageSteps = start + 10 + 5;
  const guard = k.minRatePerSecond * 60;
  const slowSteps = durationSeconds(k.sustained.window) / 60 + 20;
  const word = outcome === 'error' ? 'failing fast' : 'hanging';
  if (cross + forMin + 1 > 10) throw new Error(`${rule.alert}: window/threshold/for cannot page within 10 minutes`);
  return [
    {
      title: `FeexPay ${word} on one operation pages within 10 minutes, for that operation only`,
      interval: '1m',
      input_series: [...calls(cfg, op, outcome, 0, perMinute, outageSteps, start), ...calls(cfg, 'status', outcome, perMinute, 0, outageSteps)],
      alert_rule_test: [silent(rule, minutes(start - 1)), silent(rule, minutes(start + cross + forMin - 2)), fires(rule, minutes(start + 10), book.expect(rule, who, 1))],
    },
    {
      title: `${outcome}s just over the limit fire`,
      interval: '1m',
      input_series: calls(cfg, op, outcome, perMinute - over, over, steps),
      alert_rule_test: [fires(rule, at, book.expect(rule, who, over / perMinute))],
    },
    {
      title: `${outcome}s just under the limit are silent`,
      interval: '1m',
      input_series: calls(cfg, op, outcome, perMinute - under, under, steps),
      alert_rule_test: [silent(rule, at)],
    },
    { title: `a healthy ${outcome} share is silent`, interval: '1m', input_series: calls(cfg, op, outcome, perMinute - 1, 1, steps), alert_rule_test: [silent(rule, at)] },
    {
      title: `quiet night: every one of a trickle of calls ending in ${outcome} does not page`,
      interval: '1m',
      // One call every 5 minutes: below both volume guards (fewer than minCalls in the slow window).
      input_series: calls(cfg, op, outcome, 0, 0.2, slowSteps),
      alert_rule_test: [silent(rule, minutes(slowSteps - 1))],
    },
    {
      title: `FeexPay ${word} at low traffic (2 calls a minute) pages through the slow path within 15 minutes`,
      interval: '1m',
      input_series: calls(cfg, op, outcome, 0, 2, slowSteps),
      alert_rule_test: [fires(rule, minutes(15), book.expect(rule, who, 1))],
    },
    {
      title: `low traffic with under ${pct(k.sustained.threshold)} ending in ${outcome} is silent`,
      interval: '1m',
      input_series: calls(cfg, op, outcome, 1.2, 0.8, slowSteps),
      alert_rule_test: [silent(rule, minutes(slowSteps - 1))],
    },
    {
      title: `edge of the volume guard: just above it, all calls ending in ${outcome} page`,
      interval: '1m',
      input_series: calls(cfg, op, outcome, 0, Math.floor(guard) + 1, steps),
      alert_rule_test: [fires(rule, at, book.expect(rule, who, 1))],
    },
  ];
}

export function latencyGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.feexpay.latencyP95;
  const rule = book.get('FeexPayApiLatencyHigh');
  const { steps, at } = windowTiming(k);
  const who = { ...scope(cfg), operation: 'request_to_pay' };
  return [
    {
      title: 'p95 past the limit fires for that operation',
      interval: '1m',
      input_series: [...latencyBuckets(cfg, 'request_to_pay', 20, steps), ...latencyBuckets(cfg, 'status', 0, steps)],
      alert_rule_test: [fires(rule, at, book.expect(rule, who, p95(cfg, 20)))],
    },
    {
      title: 'p95 just past the limit fires',
      interval: '1m',
      input_series: latencyBuckets(cfg, 'request_to_pay', 6, steps),
      alert_rule_test: [fires(rule, at, book.expect(rule, who, p95(cfg, 6)))],
    },
    { title: 'p95 just under the limit is silent', interval: '1m', input_series: latencyBuckets(cfg, 'request_to_pay', 4, steps), alert_rule_test: [silent(rule, at)] },
    {
      title: 'quiet night: a few slow calls do not page',
      interval: '1m',
      input_series: latencyBuckets(cfg, 'request_to_pay', 50, steps, Math.max(1, Math.floor((k.minRatePerSecond * 60) / 2))),
      alert_rule_test: [silent(rule, at)],
    },
    {
      title: 'no calls at all is silent',
      interval: '1m',
      input_series: latencyBuckets(cfg, 'request_to_pay', 0, steps).map((x) => ({ ...x, values: flat(0, steps) })),
      alert_rule_test: [silent(rule, at)],
    },
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
    {
      title: 'one refusal more than allowed on a network fires for that network',
      interval: '1m',
      input_series: [successes, finished('wave_ci', 'failed', 'network_unavailable', refusals(over)), finished('mtn', 'failed', 'network_unavailable', refusals(1))],
      alert_rule_test: [fires(rule, at, book.expect(rule, { ...scope(cfg), network: 'wave_ci' }, over))],
    },
    {
      title: 'exactly the allowed number is silent',
      interval: '1m',
      input_series: [successes, finished('wave_ci', 'failed', 'network_unavailable', refusals(k.maxFailures))],
      alert_rule_test: [silent(rule, at)],
    },
    {
      title: 'refusals on two networks do not add up',
      interval: '1m',
      input_series: [
        finished('wave_ci', 'failed', 'network_unavailable', refusals(k.maxFailures)),
        finished('orange_ci', 'failed', 'network_unavailable', refusals(k.maxFailures)),
      ],
      alert_rule_test: [silent(rule, at)],
    },
    {
      title: 'other failure reasons do not count',
      interval: '1m',
      input_series: [finished('wave_ci', 'failed', 'insufficient_funds', refusals(over * 3))],
      alert_rule_test: [silent(rule, at)],
    },
  ];
}
