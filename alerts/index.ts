/**
 * Public surface of alerts/: pure builders, no I/O. synth.ts writes what they return to dist/;
 * k8s/ embeds the same rule files in PrometheusRule objects.
 */
import { monitoringConfig, type MonitoringConfig } from './config.ts';
import { buildRuleFileModels } from './groups.ts';
import { isAlertingRule } from './types.ts';
import { toYaml } from './yaml.ts';

export { monitoringConfig, durationSeconds, HEARTBEAT_SEVERITY, type MonitoringConfig, type Severity } from './config.ts';
export { HEARTBEAT_ALERT } from './rules/heartbeat.ts';
export { buildRuleGroups, buildRuleFileModels, alertingGroups, RECORDING_FILE, ALERTING_FILE, MAX_RULES_PER_GROUP } from './groups.ts';
export { buildAlertmanagerConfig, buildAlertmanagerYaml, RECEIVERS } from './alertmanager.ts';
export { buildPrometheusConfig, buildPrometheusYaml, LOCAL_TARGETS } from './prometheus-config.ts';
export { recorded } from './recording-names.ts';
export type { AlertingRule, RecordingRule, RuleGroup, Rule, RuleFile } from './types.ts';
export { isAlertingRule, isRecordingRule } from './types.ts';

/** File name -> YAML text of each Prometheus rule file. */
export function buildRuleFiles(cfg: MonitoringConfig = monitoringConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of buildRuleFileModels(cfg)) out[f.fileName] = toYaml({ groups: f.groups });
  return out;
}

/** Every alert name, sorted and unique: what runbooks and unit tests must cover. */
export function alertNames(cfg: MonitoringConfig = monitoringConfig): string[] {
  const names = buildRuleFileModels(cfg).flatMap((f) => f.groups.flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert)));
  return [...new Set(names)].sort();
}
