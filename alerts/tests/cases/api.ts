/** promtool cases for API availability: each burn-rate window pair, the 5xx surge, quiet traffic. */
import { httpMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, type BurnWindow, type MonitoringConfig } from '../../config.ts';
import { grow, minutes, s, fires, silent, windowTiming, type InputSeries, type RuleBook, type TestGroup, type AlertRuleTest } from '../model.ts';
import { scope } from './payments.ts';

const REQUESTS_PER_MINUTE = 1000;
const count = `${httpMetrics.requestDuration.name}_count`;

/** `errors` of every `total` requests a minute answer 500, the rest 200; constant from time 0. */
function traffic(cfg: MonitoringConfig, errors: number, steps: number, total = REQUESTS_PER_MINUTE): InputSeries[] {
  const l = { ...scope(cfg), instance: 'api-0', method: 'POST', route: '/v1/payments' };
  const out = [{ series: s(count, { ...l, status_code: '201' }), values: grow(total - errors, steps) }];
  if (errors > 0) out.push({ series: s(count, { ...l, status_code: '500' }), values: grow(errors, steps) });
  return out;
}

const limitOf = (cfg: MonitoringConfig, w: BurnWindow) => w.factor * (1 - cfg.api.availabilityObjective);
const forMinutes = (w: BurnWindow) => durationSeconds(w.for) / 60;

/**
 * Minute from which a pair's condition holds for traffic starting at time 0. The volume guard
 * reads rate over the long window, which divides by the whole window: a series younger than the
 * window needs minRate * window worth of requests before the guard opens.
 */
function activeFrom(cfg: MonitoringConfig, w: BurnWindow, perMinute: number): number {
  return Math.max(1, (cfg.api.burnMinRatePerSecond * durationSeconds(w.long)) / perMinute);
}

/** Which window pairs fire at minute `at` for a constant error ratio from time 0. */
function burnCheck(cfg: MonitoringConfig, book: RuleBook, ratio: number, at: number): AlertRuleTest {
  const firing = cfg.api.burnWindows.filter((w) => {
    const margin = at - activeFrom(cfg, w, REQUESTS_PER_MINUTE) - forMinutes(w);
    // Within a minute or two of the boundary the answer depends on evaluation timing, not the rule.
    if (ratio > limitOf(cfg, w) && Math.abs(margin) < 2) throw new Error(`burn check at ${at}m is on the ${w.long} boundary`);
    return ratio > limitOf(cfg, w) && margin > 0;
  });
  const base = book.get('FeexPayGatewayErrorBudgetBurn', { long_window: cfg.api.burnWindows[0]!.long });
  const expected = firing.map((w) => {
    const rule = book.get('FeexPayGatewayErrorBudgetBurn', { long_window: w.long, short_window: w.short });
    // The rule's value is the measured burn: the error ratio over the budget.
    return book.expect(rule, scope(cfg), ratio / (1 - cfg.api.availabilityObjective));
  });
  return expected.length ? fires(base, minutes(at), ...expected) : silent(base, minutes(at));
}

export function burnRateGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const groups: TestGroup[] = [];
  for (const w of cfg.api.burnWindows) {
    const at = Math.ceil(activeFrom(cfg, w, REQUESTS_PER_MINUTE) + forMinutes(w)) + 5;
    const limit = limitOf(cfg, w);
    const over = Math.ceil(limit * REQUESTS_PER_MINUTE * 1.1);
    const under = Math.floor(limit * REQUESTS_PER_MINUTE * 0.97);
    const label = `${w.long}/${w.short} x${w.factor}`;
    groups.push(
      {
        title: `burn ${label}: errors above the limit fire`,
        interval: '1m',
        input_series: traffic(cfg, over, at + 1),
        alert_rule_test: [burnCheck(cfg, book, over / REQUESTS_PER_MINUTE, at)],
      },
      {
        title: `burn ${label}: errors just under the limit do not fire this pair`,
        interval: '1m',
        input_series: traffic(cfg, under, at + 1),
        alert_rule_test: [burnCheck(cfg, book, under / REQUESTS_PER_MINUTE, at)],
      },
    );
  }
  const longest = Math.max(...cfg.api.burnWindows.map((w) => activeFrom(cfg, w, REQUESTS_PER_MINUTE) + forMinutes(w))) + 5;
  const healthy = Math.floor(Math.min(...cfg.api.burnWindows.map((w) => limitOf(cfg, w))) * REQUESTS_PER_MINUTE * 0.5);
  // Half the requests failing, but on fewer requests than the guard: a quiet night.
  const quietTotal = (cfg.api.burnMinRatePerSecond * 60) / 2;
  const base = book.get('FeexPayGatewayErrorBudgetBurn', { long_window: cfg.api.burnWindows[0]!.long });
  groups.push(
    {
      title: 'burn: a healthy error ratio never fires',
      interval: '1m',
      input_series: traffic(cfg, healthy, Math.ceil(longest) + 1),
      alert_rule_test: [silent(base, minutes(Math.ceil(longest)))],
    },
    {
      title: 'burn: quiet night, half of a trickle failing, does not page',
      interval: '1m',
      input_series: traffic(cfg, quietTotal / 2, Math.ceil(longest) + 1, quietTotal),
      alert_rule_test: [silent(base, minutes(Math.ceil(longest)))],
    },
  );
  return groups;
}

export function serverErrorSurgeGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const k = cfg.api.serverErrorSurge;
  const rule = book.get('FeexPayGatewayServerErrorSurge');
  const { steps, at } = windowTiming(k);
  const over = Math.min(REQUESTS_PER_MINUTE, Math.ceil(k.threshold * REQUESTS_PER_MINUTE * 2));
  const under = Math.floor(k.threshold * REQUESTS_PER_MINUTE * 0.96);
  const quietTotal = (k.minRatePerSecond * 60) / 2;
  return [
    {
      title: 'a surge of 5xx fires',
      interval: '1m',
      input_series: traffic(cfg, over, steps),
      alert_rule_test: [fires(rule, at, book.expect(rule, scope(cfg), over / REQUESTS_PER_MINUTE))],
    },
    { title: '5xx just under the limit is silent', interval: '1m', input_series: traffic(cfg, under, steps), alert_rule_test: [silent(rule, at)] },
    { title: 'quiet traffic with half failing is silent', interval: '1m', input_series: traffic(cfg, quietTotal / 2, steps, quietTotal), alert_rule_test: [silent(rule, at)] },
  ];
}
