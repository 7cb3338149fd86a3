/** Assembles recording and alerting rules into groups and rule files. */
import { monitoringConfig, type MonitoringConfig } from './config.ts';
import { recordingGroups } from './recording.ts';
import { apiAlerts } from './rules/api.ts';
import { heartbeatAlert } from './rules/heartbeat.ts';
import { feexpayAlerts, stuckPendingAlert, successRateAlerts } from './rules/payments.ts';
import { infraAlerts, serviceHealthAlerts } from './rules/platform.ts';
import { reviewAlerts } from './rules/review.ts';
import { merchantEventAlerts } from './rules/merchant-events.ts';
import { payoutAlerts } from './rules/payouts.ts';
import type { RuleFile, RuleGroup } from './types.ts';

/** The mixin linter's limit: past 20 rules a group evaluates slowly and reads badly. */
export const MAX_RULES_PER_GROUP = 20;

export function alertingGroups(cfg: MonitoringConfig = monitoringConfig): RuleGroup[] {
  return [
    {
      name: 'feexpay-gateway.payments',
      rules: [...successRateAlerts(cfg), stuckPendingAlert(cfg), ...feexpayAlerts(cfg)],
    },
    { name: 'feexpay-gateway.review', rules: reviewAlerts(cfg) },
    { name: 'feexpay-gateway.payouts', rules: payoutAlerts(cfg) },
    { name: 'feexpay-gateway.api', rules: apiAlerts(cfg) },
    { name: 'feexpay-gateway.service', rules: serviceHealthAlerts(cfg) },
    { name: 'feexpay-gateway.infra', rules: infraAlerts(cfg) },
    { name: 'feexpay-gateway.merchant-events', rules: merchantEventAlerts(cfg) },
    // A group of its own, evaluated on its own schedule however long another group's evaluation takes.
    { name: 'feexpay-gateway.heartbeat', rules: [heartbeatAlert(cfg)] },
  ];
}

export const RECORDING_FILE = 'recording-rules.yml';
export const ALERTING_FILE = 'alerting-rules.yml';

/** Recording rules in their own file: a Prometheus can load them without our alerts. */
export function buildRuleFileModels(cfg: MonitoringConfig = monitoringConfig): RuleFile[] {
  const files: RuleFile[] = [
    { fileName: RECORDING_FILE, groups: recordingGroups(cfg) },
    { fileName: ALERTING_FILE, groups: alertingGroups(cfg) },
  ];
  for (const g of files.flatMap((f) => f.groups)) {
    if (g.rules.length > MAX_RULES_PER_GROUP) throw new Error(`Rule group ${g.name} has ${g.rules.length} rules`);
  }
  return files;
}

export function buildRuleGroups(cfg: MonitoringConfig = monitoringConfig): RuleGroup[] {
  return buildRuleFileModels(cfg).flatMap((f) => f.groups);
}
