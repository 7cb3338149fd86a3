/** Fills in what every alert must carry (severity, service, runbook) so rule code cannot forget it. */
import type { AlertKnobs, Duration, MonitoringConfig, RuleSeverity } from './config.ts';
import { componentDashboardUrl, type Component } from './links.ts';
import type { AlertingRule } from './types.ts';

export interface AlertSpec {
  name: string;
  /** A tuned alert's knobs from config.ts, or the heartbeat's fixed ones (its own severity). */
  knobs: AlertKnobs | { severity: RuleSeverity; for: Duration };
  expr: string;
  /** One plain sentence, no templates: it is what a phone lock screen shows. */
  summary: string;
  /** Templated with the values that made it fire. */
  description: string;
  /**
   * The measured value, templated (`{{ $value | humanizePercentage }}`), and the limit it crossed,
   * as plain text. Notifications print both side by side; a state alert (down, absent) has neither.
   */
  measured?: { value: string; threshold: string };
  /** Lets inhibition tell symptoms (payments, api) from causes (service, infra). */
  component: Component;
  labels?: Record<string, string>;
}

export function runbookUrl(cfg: MonitoringConfig, alertName: string): string {
  return `${cfg.runbookBaseUrl}/${alertName}.md`;
}

export function alert(cfg: MonitoringConfig, s: AlertSpec): AlertingRule {
  return {
    alert: s.name,
    expr: s.expr,
    for: s.knobs.for,
    labels: { severity: s.knobs.severity, service: cfg.service, component: s.component, ...s.labels },
    annotations: {
      summary: s.summary,
      description: s.description,
      ...(s.measured ? { value: s.measured.value, threshold: s.measured.threshold } : {}),
      runbook_url: runbookUrl(cfg, s.name),
      dashboard_url: componentDashboardUrl(cfg, s.component),
    },
  };
}

/** `0.9` -> `90%` for sentences; thresholds are fractions in config. */
export const pct = (ratio: number): string => `${Number((ratio * 100).toPrecision(6))}%`;
