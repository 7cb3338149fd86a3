/** promtool cases for the payout alerts: failure ratio (with its volume guard), stuck payouts, cap hits. */
import { serviceMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, type MonitoringConfig } from '../../config.ts';
import { flat, grow, minutes, s, fires, silent, windowTiming, type InputSeries, type RuleBook, type TestGroup } from '../model.ts';
import { scope } from './payments.ts';

const PER_MINUTE = 10;

/** Payout outcome counters: `bad` of every `perMinute` payouts fail or go to review. */
function outcomes(cfg: MonitoringConfig, bad: number, steps: number, perMinute = PER_MINUTE): InputSeries[] {
  const l = { ...scope(cfg), instance: 'api-0', network: 'mtn' };
  const review = Math.floor(bad / 2);
  const out: InputSeries[] = [];
  if (perMinute - bad > 0) out.push({ series: s(serviceMetrics.payoutOutcomes.name, { ...l, outcome: 'successful', reason: 'none' }), values: grow(perMinute - bad, steps) });
  if (bad - review > 0) out.push({ series: s(serviceMetrics.payoutOutcomes.name, { ...l, outcome: 'failed', reason: 'payer_not_found' }), values: grow(bad - review, steps) });
  if (review > 0) out.push({ series: s(serviceMetrics.payoutOutcomes.name, { ...l, outcome: 'needs_review', reason: 'none' }), values: grow(review, steps) });
  return out;
}

export function payoutGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.payouts.failureRatio;
  const ratioRule = book.get('FeexPayPayoutFailureRatioHigh');
  const { steps, at } = windowTiming(k);
  const high = Math.ceil(PER_MINUTE * k.threshold) + 2;
  const edge = Math.floor(PER_MINUTE * k.threshold);
  // Below the volume guard: half the guard's rate, every one failing.
  const quiet = (k.minRatePerSecond * 60) / 2;

  const stuck = cfg.payouts.stuckPending;
  const stuckRule = book.get('FeexPayPayoutsStuckPending');
  const stuckFor = durationSeconds(stuck.for) / 60;
  const stuckSteps = stuckFor + 20;
  const oldest = (age: number, instance: string) => ({
    series: s(serviceMetrics.payoutsOldestPending.name, { ...scope(cfg), instance }),
    values: `${flat(0, 5)} ${flat(age, stuckSteps - 6)}`,
  });

  const capRule = book.get('FeexPayPayoutCapHit');
  const capFor = durationSeconds(cfg.payouts.capHits.for) / 60;
  const refusals = (n: number) => ({
    series: s(serviceMetrics.payoutCapHits.name, { ...scope(cfg), instance: 'api-0', currency: 'XOF' }),
    values: `${flat(0, 10)} ${flat(n, 50)}`,
  });
  const over = stuck.maxAgeSeconds + 600;
  const capAt = minutes(10 + capFor + 2);
  return [
    {
      title: 'payouts failing or sent to review above the limit warn',
      interval: '1m',
      input_series: outcomes(cfg, high, steps),
      alert_rule_test: [fires(ratioRule, at, book.expect(ratioRule, scope(cfg), high / PER_MINUTE))],
    },
    {
      title: 'every payout failing, with no success series at all, still warns',
      interval: '1m',
      input_series: outcomes(cfg, PER_MINUTE, steps),
      alert_rule_test: [fires(ratioRule, at, book.expect(ratioRule, scope(cfg), 1))],
    },
    { title: 'failures at the limit are silent', interval: '1m', input_series: outcomes(cfg, edge, steps), alert_rule_test: [silent(ratioRule, at)] },
    {
      title: 'a quiet night of a few failing payouts is silent (volume guard)',
      interval: '1m',
      input_series: [
        { series: s(serviceMetrics.payoutOutcomes.name, { ...scope(cfg), instance: 'api-0', network: 'mtn', outcome: 'failed', reason: 'unknown' }), values: grow(quiet, steps) },
      ],
      alert_rule_test: [silent(ratioRule, at)],
    },
    {
      title: 'a payout pending past the limit warns, counted once across replicas',
      interval: '1m',
      input_series: [oldest(over, 'api-0'), oldest(over, 'api-1')],
      alert_rule_test: [silent(stuckRule, minutes(5 + stuckFor - 1)), fires(stuckRule, minutes(stuckSteps - 2), book.expect(stuckRule, scope(cfg), over))],
    },
    {
      title: 'a payout pending just under the limit is silent',
      interval: '1m',
      input_series: [oldest(stuck.maxAgeSeconds - 1, 'api-0')],
      alert_rule_test: [silent(stuckRule, minutes(stuckSteps - 2))],
    },
    {
      title: 'payouts refused by the cap warn within the hour',
      interval: '1m',
      input_series: [refusals(3)],
      alert_rule_test: [silent(capRule, minutes(9)), fires(capRule, capAt, book.expect(capRule, scope(cfg), 3))],
    },
    { title: 'no refusal is silent', interval: '1m', input_series: [refusals(0)], alert_rule_test: [silent(capRule, capAt)] },
  ];
}
