/**
 * promtool unit tests for every alert, generated from the same configuration as the rules: a
 * tuned threshold moves the firing, edge and quiet-night inputs with it. Pure: returns file texts.
 */
import { monitoringConfig, type MonitoringConfig } from '../config.ts';
import { ALERTING_FILE, RECORDING_FILE, buildRuleGroups } from '../groups.ts';
import { toYaml } from '../yaml.ts';
import { burnRateGroups, serverErrorSurgeGroups } from './cases/api.ts';
import { feexpayRatioGroups, latencyGroups, operatorUnavailableGroups } from './cases/feexpay.ts';
import { webhookGroups, webhookRejectionGroups, webhooksAllRejectedGroups } from './cases/webhooks.ts';
import { reconcilerFailingGroups, reconcilerGroups } from './cases/reconciler.ts';
import { networkSuccessRateGroups, stuckPendingGroups, successRateGroups } from './cases/payments.ts';
import { infraGroups, noReplicaGroups, serviceHealthGroups } from './cases/platform.ts';
import { reviewGroups } from './cases/review.ts';
import { heartbeatGroups } from './cases/heartbeat.ts';
import { merchantEndpointsFailingGroups, merchantEventsDelayedGroups } from './cases/merchant-events.ts';
import { payoutGroups } from './cases/payouts.ts';
import { RuleBook, type TestGroup } from './model.ts';

export type { TestGroup, AlertRuleTest, ExpectedAlert } from './model.ts';

/** Test file name (relative to the rule files' directory) -> its groups. */
export function buildRuleTestModels(cfg: MonitoringConfig = monitoringConfig): Record<string, TestGroup[]> {
  const book = new RuleBook(buildRuleGroups(cfg));
  return {
    'tests/payments.test.yml': [...successRateGroups(cfg, book), ...networkSuccessRateGroups(cfg, book), ...stuckPendingGroups(cfg, book)],
    'tests/feexpay.test.yml': [
      ...feexpayRatioGroups(cfg, book, 'error'),
      ...feexpayRatioGroups(cfg, book, 'timeout'),
      ...latencyGroups(cfg, book),
      ...webhookGroups(cfg, book),
      ...webhookRejectionGroups(cfg, book),
      ...webhooksAllRejectedGroups(cfg, book),
      ...operatorUnavailableGroups(cfg, book),
      ...reconcilerGroups(cfg, book),
      ...reconcilerFailingGroups(cfg, book),
    ],
    'tests/api.test.yml': [...burnRateGroups(cfg, book), ...serverErrorSurgeGroups(cfg, book)],
    'tests/platform.test.yml': [...serviceHealthGroups(cfg, book), ...noReplicaGroups(cfg, book), ...infraGroups(cfg, book)],
    'tests/review.test.yml': reviewGroups(cfg, book),
    'tests/merchant-events.test.yml': [...merchantEventsDelayedGroups(cfg, book), ...merchantEndpointsFailingGroups(cfg, book)],
    'tests/payouts.test.yml': payoutGroups(cfg, book),
    'tests/heartbeat.test.yml': heartbeatGroups(cfg, book),
  };
}

/** Test file path -> YAML, to be written next to the rule files (rule_files are `../`). */
export function buildRuleTestFiles(cfg: MonitoringConfig = monitoringConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, groups] of Object.entries(buildRuleTestModels(cfg))) {
    out[file] = toYaml({
      rule_files: [`../${RECORDING_FILE}`, `../${ALERTING_FILE}`],
      evaluation_interval: '1m',
      tests: groups.map(({ title, ...g }) => ({ name: title, ...g })),
    });
  }
  return out;
}
