/** The shapes of Prometheus rule files as we generate them (a subset of the rule file format). */
import type { Duration, RuleSeverity } from './config.ts';

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: Duration;
  labels: { severity: RuleSeverity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  name: string;
  interval?: Duration;
  rules: Rule[];
}

/** One generated rule file: its file name under dist/prometheus and the groups it holds. */
export interface RuleFile {
  fileName: string;
  groups: RuleGroup[];
}

export const isAlertingRule = (r: Rule): r is AlertingRule => 'alert' in r;
export const isRecordingRule = (r: Rule): r is RecordingRule => 'record' in r;
