/** promtool cases for the payment alerts: success rate (overall, per network) and stuck payments. */
import { serviceMetrics } from '../../../src/metrics/catalog.ts';
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
    {
      title: 'success rate below the floor pages',
      interval: '1m',
      input_series: outcomes(cfg, 'mtn', low, steps),
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), low / PER_MINUTE))],
    },
    {
      title: 'every payment failing, with no success series at all, still pages',
      interval: '1m',
      input_series: outcomes(cfg, 'mtn', 0, steps),
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), 0))],
    },
    { title: 'healthy success rate is silent', interval: '1m', input_series: outcomes(cfg, 'mtn', 98, steps), alert_rule_test: [silent(rule, at)] },
    { title: 'just above the floor is silent', interval: '1m', input_series: outcomes(cfg, 'mtn', edge, steps), alert_rule_test: [silent(rule, at)] },
    {
      title: 'quiet night: half of very few payments failing does not page',
      interval: '1m',
      input_series: [trickle('successful', 'none'), trickle('failed', 'cancelled')],
      alert_rule_test: [silent(rule, at)],
    },
    {
      title: 'pending, not firing, before the for duration',
      interval: '1m',
      input_series: outcomes(cfg, 'mtn', low, steps),
      alert_rule_test: [silent(rule, minutes(durationSeconds(k.for) / 60 - 1))],
    },
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
    {
      title: 'one network failing fires for that network only',
      interval: '1m',
      input_series: [...outcomes(cfg, 'mtn', 99, steps), ...outcomes(cfg, 'moov', low, steps)],
      alert_rule_test: [fires(rule, at, book.expect(rule, { ...scope(cfg), network: 'moov' }, low / PER_MINUTE))],
    },
    {
      title: 'a network just above the floor is silent',
      interval: '1m',
      input_series: [...outcomes(cfg, 'mtn', 99, steps), ...outcomes(cfg, 'moov', edge, steps)],
      alert_rule_test: [silent(rule, at)],
    },
    {
      title: 'quiet night on one network: all failing on a trickle does not fire',
      interval: '1m',
      input_series: [
        ...outcomes(cfg, 'mtn', 99, steps),
        { series: s(finished, { ...scope(cfg), instance: 'api-0', network: 'coris', outcome: 'failed', reason: 'cancelled' }), values: grow(trickle, steps) },
      ],
      alert_rule_test: [silent(rule, at)],
    },
  ];
}

export function stuckPendingGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.payments.stuckPending;
  const rule = book.get('FeexPayPaymentsStuckPending');
  const forMin = durationSeconds(k.for) / 60;
  const crossMin = Math.ceil(k.maxAgeSeconds / 60);
  const steps = crossMin + forMin + 20;
  const age = (instance: string, values: string) => ({ series: s(serviceMetrics.paymentsOldestPending.name, { ...scope(cfg), instance }), values });
  // The oldest pending payment ages a minute a minute: nothing settles it.
  const ageing = age('api-0', grow(60, steps));
  const at = crossMin + forMin + 3;
  // A rollout at minute `swap`: api-0 goes away, api-1 starts and reads the same age from the database.
  const swap = Math.floor(crossMin / 2);
  return [
    {
      title: 'the oldest pending payment past its limit pages, not before its for duration',
      interval: '1m',
      input_series: [ageing],
      alert_rule_test: [silent(rule, minutes(crossMin + forMin - 2)), fires(rule, minutes(at), book.expect(rule, scope(cfg), at * 60))],
    },
    {
      title: 'a rollout does not disarm it: the new replica reports the same age at once',
      interval: '1m',
      input_series: [age('api-0', `${grow(60, swap)} _x${steps - swap}`), age('api-1', `_x${swap} ${grow(60, steps - swap, swap * 60)}`)],
      alert_rule_test: [fires(rule, minutes(at), book.expect(rule, scope(cfg), at * 60))],
    },
    {
      title: 'payments pending but settling (the oldest stays young) is silent',
      interval: '1m',
      input_series: [age('api-0', flat(Math.floor(k.maxAgeSeconds / 6), steps))],
      alert_rule_test: [silent(rule, minutes(steps - 1))],
    },
    {
      title: 'edge: exactly at the limit is silent',
      interval: '1m',
      input_series: [age('api-0', flat(k.maxAgeSeconds, steps))],
      alert_rule_test: [silent(rule, minutes(steps - 1))],
    },
    {
      title: 'edge: a minute past the limit pages',
      interval: '1m',
      input_series: [age('api-0', flat(k.maxAgeSeconds + 60, steps))],
      alert_rule_test: [fires(rule, minutes(steps - 1), book.expect(rule, scope(cfg), k.maxAgeSeconds + 60))],
    },
    { title: 'nothing pending (age 0) is silent', interval: '1m', input_series: [age('api-0', flat(0, steps))], alert_rule_test: [silent(rule, minutes(steps - 1))] },
  ];
}
