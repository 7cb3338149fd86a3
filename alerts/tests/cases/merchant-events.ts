/** promtool cases for merchant event delivery: late events, many endpoints failing at once. */
import { serviceMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, type MonitoringConfig } from '../../config.ts';
import { flat, minutes, s, fires, silent, type RuleBook, type TestGroup } from '../model.ts';
import { scope } from './payments.ts';

export function merchantEventsDelayedGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.merchantEvents.backlog;
  const rule = book.get('FeexPayMerchantEventsDelayed');
  const forMin = durationSeconds(k.for) / 60;
  const steps = forMin + 20;
  // Two replicas report the same database-wide gauge.
  const gauge = (v: number) =>
    ['api-0', 'api-1'].map((instance) => ({
      series: s(serviceMetrics.merchantEventOldestUndelivered.name, { ...scope(cfg), instance }),
      values: `${flat(0, 5)} ${flat(v, steps - 6)}`,
    }));
  const late = k.thresholdSeconds * 2;
  return [
    {
      title: 'events waiting past the limit for healthy endpoints fire once the for duration passes',
      interval: '1m',
      input_series: gauge(late),
      alert_rule_test: [silent(rule, minutes(5 + forMin - 1)), fires(rule, minutes(steps - 2), book.expect(rule, scope(cfg), late))],
    },
    { title: 'a wait just under the limit is silent', interval: '1m', input_series: gauge(k.thresholdSeconds - 1), alert_rule_test: [silent(rule, minutes(steps - 2))] },
    { title: 'nothing waiting is silent', interval: '1m', input_series: gauge(0), alert_rule_test: [silent(rule, minutes(steps - 2))] },
  ];
}

export function merchantEndpointsFailingGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.merchantEvents.failingEndpoints;
  const rule = book.get('FeexPayMerchantEndpointsFailing');
  const steps = durationSeconds(k.for) / 60 + 15;
  const at = minutes(steps - 2);
  const states = (enabled: number, failing: number, disabled = 2) =>
    ['api-0', 'api-1'].flatMap((instance) =>
      Object.entries({ enabled, failing, disabled }).map(([state, n]) => ({
        series: s(serviceMetrics.merchantWebhookEndpoints.name, { ...scope(cfg), instance, state }),
        values: flat(n, steps),
      })),
    );
  // Enough endpoints that one more failing crosses the threshold.
  const total = Math.max(k.minEndpoints, 10);
  const over = Math.floor(total * k.threshold) + 1;
  const atLimit = Math.floor(total * k.threshold);
  const few = k.minEndpoints - 1;
  return [
    {
      title: 'more than the share of endpoints failing fires',
      interval: '1m',
      input_series: states(total - over, over),
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), over / total))],
    },
    {
      title: 'exactly the share failing is silent (disabled endpoints do not count)',
      interval: '1m',
      input_series: states(total - atLimit, atLimit, 50),
      alert_rule_test: [silent(rule, at)],
    },
    { title: 'quiet night: most of a handful of endpoints failing does not page', interval: '1m', input_series: states(1, few - 1), alert_rule_test: [silent(rule, at)] },
    { title: 'no endpoint failing is silent', interval: '1m', input_series: states(total, 0), alert_rule_test: [silent(rule, at)] },
  ];
}
