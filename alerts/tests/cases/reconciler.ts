/** promtool cases for the reconciler: lagging behind its due payments, failing every pass. */
import { serviceMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, type MonitoringConfig } from '../../config.ts';
import { flat, grow, minutes, s, fires, silent, type RuleBook, type TestGroup } from '../model.ts';
import { scope } from './payments.ts';

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
    {
      title: 'oldest due payment waiting past the limit fires',
      interval: '1m',
      input_series: [gauge(lagging)],
      alert_rule_test: [silent(rule, minutes(5 + forMin - 1)), fires(rule, minutes(steps - 2), book.expect(rule, scope(cfg), lagging))],
    },
    { title: 'a wait just under the limit is silent', interval: '1m', input_series: [gauge(k.thresholdSeconds - 1)], alert_rule_test: [silent(rule, minutes(steps - 2))] },
    { title: 'no wait is silent', interval: '1m', input_series: [gauge(0)], alert_rule_test: [silent(rule, minutes(steps - 2))] },
  ];
}

export function reconcilerFailingGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.feexpay.reconcilerFailing;
  const rule = book.get('FeexPayReconcilerFailing');
  const steps = durationSeconds(k.window) / 60 + durationSeconds(k.for) / 60 + 10;
  const runs = (instance: string, result: string, values: string) => ({
    series: s(serviceMetrics.reconcilerRuns.name, { ...scope(cfg), instance, result }),
    values,
  });
  // Passes every few seconds: 12 a minute.
  const okThenFailing = (instance: string) => [runs(instance, 'ok', `${grow(12, 5)} ${flat(60, steps - 6)}`), runs(instance, 'error', `${flat(0, 5)} ${grow(12, steps - 6)}`)];
  const failedIn = 12 * (durationSeconds(k.window) / 60);
  return [
    {
      title: 'every pass failing on every instance fires once the last success leaves the window',
      interval: '1m',
      input_series: [...okThenFailing('api-0'), ...okThenFailing('api-1')],
      alert_rule_test: [silent(rule, minutes(5 + durationSeconds(k.window) / 60 - 1)), fires(rule, minutes(steps - 1), book.expect(rule, scope(cfg), 2 * failedIn))],
    },
    {
      title: 'a replica failing while another reconciles is silent',
      interval: '1m',
      input_series: [...okThenFailing('api-0'), runs('api-1', 'ok', grow(12, steps)), runs('api-1', 'error', flat(0, steps))],
      alert_rule_test: [silent(rule, minutes(steps - 1))],
    },
    {
      title: 'a service whose passes never succeeded since it started fires',
      interval: '1m',
      input_series: [runs('api-0', 'error', grow(12, steps))],
      alert_rule_test: [fires(rule, minutes(steps - 1), book.expect(rule, scope(cfg), failedIn))],
    },
    {
      title: 'a few failed passes among successes are silent',
      interval: '1m',
      input_series: [runs('api-0', 'ok', grow(12, steps)), runs('api-0', 'error', `0+1x${steps}`)],
      alert_rule_test: [silent(rule, minutes(steps - 1))],
    },
  ];
}
