/** promtool cases for FeexPay's webhooks: deliveries failing, refused, and every one refused for an hour. */
import { serviceMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, type MonitoringConfig } from '../../config.ts';
import { flat, grow, minutes, s, fires, silent, type RuleBook, type TestGroup } from '../model.ts';
import { scope } from './payments.ts';

/** An hour of clean history, then `n` counted one a minute, then flat: the 1h window holds the whole story. */
const oneHourThen = (n: number, tail: number): string => (n > 0 ? `${flat(0, 60)} ${grow(1, n - 1, 1)} ${flat(n, tail)}` : flat(0, 61 + tail));

export function webhookGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.feexpay.webhookErrors;
  const rule = book.get('FeexPayWebhookErrorsHigh');
  const rejections = book.get('FeexPayWebhookRejectionsHigh');
  const forMin = durationSeconds(k.for) / 60;
  const at = minutes(60 + k.maxPerHour + 1 + forMin + 2);
  if (60 + k.maxPerHour + forMin + 3 > 120) throw new Error('webhook test needs maxPerHour + for under an hour');
  const deliveries = (result: string, values: string) => ({
    series: s(serviceMetrics.webhookDeliveries.name, { ...scope(cfg), instance: 'api-0', result }),
    values,
  });
  const processed = deliveries('processed', grow(20, 130));
  const first = k.results[0] ?? 'error';
  const over = k.maxPerHour + 1;
  return [
    {
      title: 'one error more than allowed in an hour fires',
      interval: '1m',
      input_series: [processed, deliveries(first, oneHourThen(over, 60))],
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), over))],
    },
    {
      title: 'exactly the allowed number of errors is silent',
      interval: '1m',
      input_series: [processed, deliveries(first, oneHourThen(k.maxPerHour, 60))],
      alert_rule_test: [silent(rule, at)],
    },
    {
      title: 'duplicates and unknown references are not errors',
      interval: '1m',
      input_series: [processed, deliveries('duplicate', oneHourThen(over * 3, 60)), deliveries('unknown_reference', oneHourThen(over, 60))],
      alert_rule_test: [silent(rule, at)],
    },
    {
      title: 'wrong-token deliveries (anyone can send them) are not handling errors',
      interval: '1m',
      input_series: [processed, deliveries('rejected', oneHourThen(over * 3, 60))],
      alert_rule_test: [silent(rule, at), silent(rejections, at)],
    },
  ];
}

export function webhookRejectionGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.feexpay.webhookRejections;
  const rule = book.get('FeexPayWebhookRejectionsHigh');
  const errors = book.get('FeexPayWebhookErrorsHigh');
  const forMin = durationSeconds(k.for) / 60;
  const over = k.maxPerHour + 1;
  const at = minutes(60 + over + forMin + 2);
  if (60 + over + forMin + 3 > 120) throw new Error('rejection test needs maxPerHour + for under an hour');
  const rejected = (n: number) => ({
    series: s(serviceMetrics.webhookDeliveries.name, { ...scope(cfg), instance: 'api-0', result: 'rejected' }),
    values: oneHourThen(n, 60),
  });
  return [
    {
      title: 'a burst of wrong-token deliveries is reported apart from errors',
      interval: '1m',
      input_series: [rejected(over)],
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), over)), silent(errors, at)],
    },
    { title: 'exactly the tolerated wrong-token deliveries are silent', interval: '1m', input_series: [rejected(k.maxPerHour)], alert_rule_test: [silent(rule, at)] },
  ];
}

export function webhooksAllRejectedGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.feexpay.webhooksAllRejected;
  const rule = book.get('FeexPayWebhooksAllRejected');
  const forMin = durationSeconds(k.for) / 60;
  const steps = 90;
  const delivered = (result: string, values: string) => ({ series: s(serviceMetrics.webhookDeliveries.name, { ...scope(cfg), instance: 'api-0', result }), values });
  // Processed deliveries until minute 10, then only refusals, one every 5 minutes.
  const processedThenNone = delivered('processed', `${grow(2, 10)} ${flat(20, steps - 11)}`);
  const refusals = delivered('rejected', `${flat(0, 10)} ${grow(0.2, steps - 11)}`);
  return [
    {
      title: 'only refusals for an hour fires once the last accepted delivery leaves the window',
      interval: '1m',
      input_series: [processedThenNone, refusals],
      alert_rule_test: [silent(rule, minutes(60 + 10 - 1)), fires(rule, minutes(steps - 1), book.expect(rule, scope(cfg), 12))],
    },
    {
      title: 'refusals beside accepted deliveries (probes) are silent',
      interval: '1m',
      input_series: [delivered('processed', grow(2, steps)), refusals],
      alert_rule_test: [silent(rule, minutes(steps - 1))],
    },
    {
      title: `fewer than ${k.minRejected} refusals in a quiet hour are silent`,
      interval: '1m',
      input_series: [delivered('rejected', `${flat(0, 10)} ${flat(1, steps - 11)}`)],
      alert_rule_test: [silent(rule, minutes(forMin + 20))],
    },
  ];
}
