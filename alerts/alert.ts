/** Fills in what every alert must carry (severity, service, runbook) so rule code cannot forget it. */
import type { AlertKnobs, MonitoringConfig } from './config.ts';
import type { AlertingRule } from './types.ts';

export interface AlertSpec {
  name: string;
  knobs: AlertKnobs;
  expr: string;
  /** One plain sentence, no templates: it is what a phone lock screen shows. */
  summary: string;
  /** Templated with the values that made it fire. */
  description: string;
  /** Lets inhibition tell symptoms (payments, api) from causes (service, infra). */
  component: 'payments' | 'feexpay' | 'api' | 'service' | 'infra';
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
    annotations: { summary: s.summary, description: s.description, runbook_url: runbookUrl(cfg, s.name) },
  };
}

/** `0.9` -> `90%` for sentences; thresholds are fractions in config. */
export const pct = (ratio: number): string => `${Number((ratio * 100).toPrecision(6))}%`;
