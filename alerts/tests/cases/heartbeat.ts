/**
 * promtool cases for the heartbeat: it fires at every evaluation, from the first one on, with no
 * series at all and with the gateway down. It has no quiet case: its silence is the outage the
 * external service pages for.
 */
import { externalMetrics } from '../../../src/metrics/catalog.ts';
import type { MonitoringConfig } from '../../config.ts';
import { HEARTBEAT_ALERT } from '../../rules/heartbeat.ts';
import { flat, fires, minutes, s, type RuleBook, type TestGroup } from '../model.ts';

export function heartbeatGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const rule = book.get(HEARTBEAT_ALERT);
  // vector(1) has no labels of its own: the alert carries the rule's labels only.
  const firing = book.expect(rule, {}, 1);
  return [
    {
      title: 'the heartbeat fires from the first evaluation on, reading no series',
      interval: '1m',
      input_series: [],
      alert_rule_test: [fires(rule, '0m', firing), fires(rule, minutes(1), firing), fires(rule, minutes(24 * 60), firing)],
    },
    {
      title: 'the heartbeat fires with the gateway down: only a dead pipeline stops it',
      interval: '1m',
      input_series: [{ series: s(externalMetrics.up.name, { job: cfg.job, instance: 'api-0' }), values: flat(0, 30) }],
      alert_rule_test: [fires(rule, minutes(30), firing)],
    },
  ];
}
