/**
 * The promtool unit-test file format (`promtool test rules`) and helpers to write cases against
 * the generated rules: expected labels and annotations come from the rule itself, so a test only
 * states which series it feeds, when it looks, and which label sets and value it expects.
 */
import { durationSeconds, type Duration } from '../config.ts';
import type { AlertingRule, RuleGroup } from '../types.ts';
import { isAlertingRule } from '../types.ts';
import { renderDescription } from './go-format.ts';

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

export interface AlertRuleTest {
  eval_time: Duration;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}

export interface TestGroup {
  /** Written as the group `name`: promtool prints it when a case fails. */
  title: string;
  interval: Duration;
  input_series: InputSeries[];
  alert_rule_test: AlertRuleTest[];
}

/** `name{a="b"}` with labels in a stable order, as promtool's series notation. */
export function s(name: string, labels: Record<string, string> = {}): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return body ? `${name}{${body}}` : name;
}

/** A counter growing by `perStep` for `steps` samples: `0+perStep x steps`. */
export const grow = (perStep: number, steps: number, from = 0): string => `${from}+${perStep}x${steps}`;
/** A flat series of `steps + 1` samples. */
export const flat = (v: number, steps: number): string => `${v}x${steps}`;

export const minutes = (n: number): Duration => `${n}m`;

/**
 * Samples and check time for an alert on a rate over `window` held for `for`: ten minutes past
 * window + for, so the alert has filled its window and waited out its for duration with room to
 * spare; checks look two minutes before the series ends, where the last rates are still whole.
 */
export function windowTiming(k: { window: Duration; for: Duration }): { steps: number; at: Duration } {
  const steps = (durationSeconds(k.window) + durationSeconds(k.for)) / 60 + 10;
  return { steps, at: minutes(steps - 2) };
}

/** Finds the rule(s) of an alert by name, and optionally by a label (burn-rate windows share a name). */
export class RuleBook {
  private readonly rules: AlertingRule[];
  constructor(groups: RuleGroup[]) {
    this.rules = groups.flatMap((g) => g.rules.filter(isAlertingRule));
  }

  get(alert: string, match: Record<string, string> = {}): AlertingRule {
    const found = this.rules.filter((r) => r.alert === alert && Object.entries(match).every(([k, v]) => r.labels[k] === v));
    if (found.length !== 1) throw new Error(`${found.length} rules match ${alert} ${JSON.stringify(match)}`);
    return found[0]!;
  }

  /** What promtool must see when `rule` fires for a series with `labels` at `value`. */
  expect(rule: AlertingRule, labels: Record<string, string>, value: number): ExpectedAlert {
    const rendered = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, renderDescription(v, labels, value)]));
    return { exp_labels: { ...labels, ...rule.labels }, exp_annotations: rendered };
  }
}

/** Firing, silent: the two shapes of a check. */
export function fires(rule: AlertingRule, at: Duration, ...alerts: ExpectedAlert[]): AlertRuleTest {
  return { eval_time: at, alertname: rule.alert, exp_alerts: alerts };
}

export function silent(rule: AlertingRule, at: Duration): AlertRuleTest {
  return { eval_time: at, alertname: rule.alert, exp_alerts: [] };
}
