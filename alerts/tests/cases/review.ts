/** promtool cases for the review alerts: an item waiting too long, money reported on a closed payment. */
import { serviceMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, type MonitoringConfig } from '../../config.ts';
import { flat, minutes, s, fires, silent, type RuleBook, type TestGroup } from '../model.ts';
import { scope } from './payments.ts';

export function reviewGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const waiting = cfg.payments.reviewWaiting;
  const waitRule = book.get('FeexPayReviewItemsWaiting');
  const riskRule = book.get('FeexPayMoneyOnClosedPayment');
  const forMin = durationSeconds(waiting.for) / 60;
  const steps = forMin + 20;
  // Two replicas report the same database-wide gauge.
  const oldest = (age: number, instance: string) => ({
    series: s(serviceMetrics.reviewItemsOldest.name, { ...scope(cfg), instance }),
    values: `${flat(0, 5)} ${flat(age, steps - 6)}`,
  });
  const open = (cause: string, n: number, instance = 'api-0') => ({
    series: s(serviceMetrics.reviewItemsOpen.name, { ...scope(cfg), instance, cause }),
    values: `${flat(0, 5)} ${flat(n, steps - 6)}`,
  });
  const over = waiting.maxAgeSeconds + 600;
  const riskFor = durationSeconds(cfg.payments.moneyAtRisk.for) / 60;
  return [
    {
      title: 'a review item older than the limit warns, counted once across replicas',
      interval: '1m',
      input_series: [oldest(over, 'api-0'), oldest(over, 'api-1')],
      alert_rule_test: [silent(waitRule, minutes(5 + forMin - 1)), fires(waitRule, minutes(steps - 2), book.expect(waitRule, scope(cfg), over))],
    },
    {
      title: 'a review item just under the limit is silent',
      interval: '1m',
      input_series: [oldest(waiting.maxAgeSeconds - 1, 'api-0')],
      alert_rule_test: [silent(waitRule, minutes(steps - 2))],
    },
    {
      title: 'no review item is silent',
      interval: '1m',
      input_series: [oldest(0, 'api-0'), open('late_success', 0)],
      alert_rule_test: [silent(waitRule, minutes(steps - 2)), silent(riskRule, minutes(steps - 2))],
    },
    {
      title: 'one late success pages at once; two replicas reporting it count it once',
      interval: '1m',
      input_series: [open('late_success', 1, 'api-0'), open('late_success', 1, 'api-1'), open('no_reference', 40)],
      alert_rule_test: [silent(riskRule, minutes(4)), fires(riskRule, minutes(5 + riskFor + 1), book.expect(riskRule, scope(cfg), 1))],
    },
    {
      title: 'contradictory answers add to late successes',
      interval: '1m',
      input_series: [open('late_success', 1), open('contradictory_answers', 2)],
      alert_rule_test: [fires(riskRule, minutes(steps - 2), book.expect(riskRule, scope(cfg), 3))],
    },
    {
      title: 'payments under review for other causes do not page',
      interval: '1m',
      input_series: [open('no_reference', 300), open('amount_mismatch', 2), open('status_unavailable', 10)],
      alert_rule_test: [silent(riskRule, minutes(steps - 2))],
    },
  ];
}
