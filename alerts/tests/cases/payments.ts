/** promtool cases for the payment alerts: success rate (overall, per network) and stuck payments. */
import { runtimeMetrics, serviceMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, type MonitoringConfig } from '../../config.ts';
import { flat, grow, minutes, s, fires, silent, windowTiming, type InputSeries, type RuleBook, type TestGroup } from '../model.ts';

const finished = serviceMetrics.paymentsFinished.name;
const PER_MINUTE = 100;

export const scope = (cfg: MonitoringConfig) => ({ job: cfg.job, namespace: 'feexpay' });

/** Finished-payment counters for one network: `ok` successes out of `perMinute` a minute. */
function outcomes(cfg: MonitoringConfig, network: string, ok: number, steps: number, perMinute = PER_MINUTE): InputSeries[] {
  const l = { ...scope(cfg), instance: 'api-0', network };
  const failed = perMinute - ok;
  // Failures split between failed and expired: both count against the success rate.
  const expired = Math.floor(failed / 4);
  const out: InputSeries[] = [];
  if (ok > 0) out.push({ series: s(finished, { ...l, outcome: 'successful', reason: 'none' }), values: grow(ok, steps) });
  if (failed - expired > 0) out.push({ series: s(finished, { ...l, outcome: 'failed', reason: 'insufficient_funds' }), values: grow(failed - expired, steps) });
  if (expired > 0) out.push({ series: s(finished, { ...l, outcome: 'expired', reason: 'none' }), values: grow(expired, steps) });
  return out;
}

export function successRateGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.payments.successRate;
  const rule = book.get('FeexPayPaymentSuccessRateLow');
  const { steps, at } = windowTiming(k);
  const low = Math.round(PER_MINUTE * Math.max(k.threshold - 0.1, k.threshold / 2));
  const edge = Math.floor(PER_MINUTE * k.threshold) + 1;
  // Below the volume guard: a fraction of a payment a minute, half of them failing.
  const quiet = (k.minRatePerSecond * 60) / 2 / 2;
  const trickle = (outcome: string, reason: string) => ({
    series: s(finished, { ...scope(cfg), instance: 'api-0', network: 'mtn', outcome, reason }),
    values: grow(quiet, steps),
  });
  return [
    { title: 'success rate below the floor pages', interval: '1m', input_series: outcomes(cfg, 'mtn', low, steps),
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), low / PER_MINUTE))] },
    { title: 'every payment failing, with no success series at all, still pages', interval: '1m',
      input_series: outcomes(cfg, 'mtn', 0, steps),
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), 0))] },
    { title: 'healthy success rate is silent', interval: '1m', input_series: outcomes(cfg, 'mtn', 98, steps),
      alert_rule_test: [silent(rule, at)] },
    { title: 'just above the floor is silent', interval: '1m', input_series: outcomes(cfg, 'mtn', edge, steps),
      alert_rule_test: [silent(rule, at)] },
    { title: 'quiet night: half of very few payments failing does not page', interval: '1m',
      input_series: [trickle('successful', 'none'), trickle('failed', 'cancelled')],
      alert_rule_test: [silent(rule, at)] },
    { title: 'pending, not firing, before the for duration', interval: '1m', input_series: outcomes(cfg, 'mtn', low, steps),
      alert_rule_test: [silent(rule, minutes(durationSeconds(k.for) / 60 - 1))] },
  ];
}

export function networkSuccessRateGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.payments.networkSuccessRate;
  const rule = book.get('FeexPayNetworkSuccessRateLow');
  const { steps, at } = windowTiming(k);
  const low = Math.round(PER_MINUTE * Math.max(k.threshold - 0.2, k.threshold / 2));
  const edge = Math.floor(PER_MINUTE * k.threshold) + 1;
  const trickle = (k.minRatePerSecond * 60) / 2;
  return [
    { title: 'one network failing fires for that network only', interval: '1m',
      input_series: [...outcomes(cfg, 'mtn', 99, steps), ...outcomes(cfg, 'moov', low, steps)],
      alert_rule_test: [fires(rule, at, book.expect(rule, { ...scope(cfg), network: 'moov' }, low / PER_MINUTE))] },
    { title: 'a network just above the floor is silent', interval: '1m',
      input_series: [...outcomes(cfg, 'mtn', 99, steps), ...outcomes(cfg, 'moov', edge, steps)],
      alert_rule_test: [silent(rule, at)] },
    { title: 'quiet night on one network: all failing on a trickle does not fire', interval: '1m',
      input_series: [
        ...outcomes(cfg, 'mtn', 99, steps),
        { series: s(finished, { ...scope(cfg), instance: 'api-0', network: 'coris', outcome: 'failed', reason: 'cancelled' }), values: grow(trickle, steps) },
      ],
      alert_rule_test: [silent(rule, at)] },
  ];
}

export function stuckPendingGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.payments.stuckPending;
  const rule = book.get('FeexPayPaymentsStuckPending');
  const windowMin = durationSeconds(k.window) / 60;
  const forMin = durationSeconds(k.for) / 60;
  const busy = 60;
  const stopAt = busy + windowMin;
  const steps = stopAt + forMin + 20;
  const l = { ...scope(cfg), instance: 'api-0' };
  const pending = { series: s(serviceMetrics.paymentsPending.name, { ...l, network: 'mtn' }), values: flat(7, steps) };
  // Started at time 0: old enough for the window to mean something.
  const oldProcess = { series: s(runtimeMetrics.startTime.name, l), values: flat(0, steps) };
  const settledThenStopped = `${grow(10, busy)} ${flat(busy * 10, steps - busy - 1)}`;
  const fin = s(finished, { ...l, network: 'mtn', outcome: 'successful', reason: 'none' });
  return [
    { title: 'settlement stops while payments wait', interval: '1m',
      input_series: [pending, oldProcess, { series: fin, values: settledThenStopped }],
      alert_rule_test: [
        silent(rule, minutes(stopAt + forMin - 5)),
        fires(rule, minutes(stopAt + forMin + 5), book.expect(rule, scope(cfg), 7)),
      ] },
    { title: 'payments pending but settling is healthy', interval: '1m',
      input_series: [pending, oldProcess, { series: fin, values: grow(10, steps) }],
      alert_rule_test: [silent(rule, minutes(steps - 1))] },
    { title: 'no finished series ever, on an old process, counts as nothing finished', interval: '1m',
      input_series: [pending, oldProcess],
      alert_rule_test: [fires(rule, minutes(windowMin + forMin + 5), book.expect(rule, scope(cfg), 7))] },
    { title: 'a freshly restarted process is not paged for a window it has not seen', interval: '1m',
      input_series: [pending, { series: s(runtimeMetrics.startTime.name, l), values: flat(windowMin * 60, steps) }],
      alert_rule_test: [silent(rule, minutes(windowMin + forMin + 5))] },
    { title: 'nothing pending is silent', interval: '1m',
      input_series: [{ series: pending.series, values: flat(0, steps) }, oldProcess, { series: fin, values: settledThenStopped }],
      alert_rule_test: [silent(rule, minutes(steps - 1))] },
  ];
}
