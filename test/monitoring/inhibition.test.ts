/**
 * Inhibition as Alertmanager itself applies it: the generated alertmanager.yml loaded in a real
 * Alertmanager 0.25, alerts posted with the labels our rules give them, and the API asked which
 * ones are suppressed. amtool cannot test inhibition offline, so this does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildAlertmanagerYaml, buildRuleGroups, HEARTBEAT_ALERT, isAlertingRule, monitoringConfig } from '../../alerts/index.ts';
import { waitFor } from '../helpers/app.ts';
import { ALERTMANAGER_BIN, startAlertmanager, type AmServer } from './alertmanager.ts';
import { exec } from './helpers.ts';

const rules = buildRuleGroups().flatMap((g) => g.rules.filter(isAlertingRule));

/** The labels an alert of `name` carries when it fires in `namespace` (rule labels + series labels). */
function firing(name: string, namespace: string, extra: Record<string, string> = {}): Record<string, string> {
  const rule = rules.find((r) => r.alert === name && Object.entries(extra).every(([k, v]) => !(k in r.labels) || r.labels[k] === v));
  assert.ok(rule, name);
  return { alertname: name, ...rule.labels, job: monitoringConfig.job, namespace, ...extra };
}

/** The heartbeat as it fires: its rule's labels only. */
function heartbeat(): Record<string, string> {
  const rule = rules.find((r) => r.alert === HEARTBEAT_ALERT);
  assert.ok(rule);
  return { alertname: HEARTBEAT_ALERT, ...rule.labels };
}

let am: AmServer | undefined;
const POSTED = 13;
let available = true;

describe('alertmanager inhibition', () => {
  before(async () => {
    try {
      await exec(ALERTMANAGER_BIN, ['--version']);
    } catch {
      if (process.env.CI === 'true') throw new Error(`${ALERTMANAGER_BIN} not found: run .ci/install-monitoring-tools.sh`);
      available = false;
      return;
    }
    // Secret files must exist for the config to load; placeholders in a temp dir stand in.
    const secrets = mkdtempSync(join(tmpdir(), 'feexpay-am-secrets-'));
    const slack = join(secrets, 'slack-api-url');
    const smtp = join(secrets, 'smtp-password');
    writeFileSync(slack, 'http://127.0.0.1:9/slack');
    writeFileSync(smtp, 'placeholder');
    const cfg = { ...monitoringConfig, alertmanager: { ...monitoringConfig.alertmanager, slackApiUrlFile: slack, smtpPasswordFile: smtp } };
    am = await startAlertmanager(buildAlertmanagerYaml(cfg));
    await am.post([
      { labels: firing('FeexPayGatewayAbsent', 'production') },
      { labels: firing('FeexPayGatewayDown', 'staging', { instance: 'api-1' }) },
      { labels: firing('FeexPayApiErrorsHigh', 'staging', { operation: 'requesttopay' }) },
      { labels: firing('FeexPayMoneyOnClosedPayment', 'staging') },
      { labels: firing('FeexPayPaymentSuccessRateLow', 'production') },
      { labels: firing('FeexPayGatewayServerErrorSurge', 'production') },
      { labels: firing('FeexPayPaymentSuccessRateLow', 'staging') },
      { labels: firing('FeexPayRedisMemoryHigh', 'production', { instance: 'redis-exporter:9121' }) },
      { labels: firing('FeexPayGatewayErrorBudgetBurn', 'staging', { severity: 'critical', long_window: '1h', short_window: '5m' }) },
      { labels: firing('FeexPayGatewayErrorBudgetBurn', 'staging', { severity: 'warning', long_window: '1d', short_window: '2h' }) },
      { labels: firing('FeexPayGatewayServerErrorSurge', 'staging') },
      // Beside every inhibition's source above: as Prometheus sends it (vector(1) has no
      // namespace), and with the namespace a cluster's Prometheus may enforce on our rules.
      { labels: heartbeat() },
      { labels: { ...heartbeat(), namespace: 'production' } },
    ]);
  });
  after(async () => am?.stop());

  async function stateOf(name: string, labels: Record<string, string>): Promise<string> {
    // The inhibitor learns source alerts asynchronously: wait until every alert is processed and
    // some inhibition has taken effect (if none ever does, the suppressed cases below fail).
    const settled = async () => {
      const all = await am!.alerts();
      return all.length === POSTED && all.every((a) => a.status.state !== 'unprocessed') && all;
    };
    await waitFor(async () => (await settled()) && (await am!.alerts()).some((a) => a.status.state === 'suppressed'), 5_000, 100).catch(() => undefined);
    const alerts = await waitFor(settled, 10_000, 100);
    const a = alerts.find((x) => x.labels.alertname === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    assert.ok(a, `${name} ${JSON.stringify(labels)} posted`);
    return a.status.state;
  }

  const cases: Array<[string, string, Record<string, string>, string]> = [
    ['a gateway gone from Prometheus silences its payment symptom', 'FeexPayPaymentSuccessRateLow', { namespace: 'production' }, 'suppressed'],
    ['a gateway gone from Prometheus silences its API symptom', 'FeexPayGatewayServerErrorSurge', { namespace: 'production' }, 'suppressed'],
    ['the cause itself still notifies', 'FeexPayGatewayAbsent', { namespace: 'production' }, 'active'],
    ['one instance down notifies', 'FeexPayGatewayDown', { namespace: 'staging' }, 'active'],
    ['one instance down does not silence a FeexPay outage', 'FeexPayApiErrorsHigh', { namespace: 'staging' }, 'active'],
    ['one instance down does not silence money at risk', 'FeexPayMoneyOnClosedPayment', { namespace: 'staging' }, 'active'],
    ['another environment is not silenced', 'FeexPayPaymentSuccessRateLow', { namespace: 'staging' }, 'active'],
    ['infrastructure alerts are not symptoms of the gateway', 'FeexPayRedisMemoryHigh', { namespace: 'production' }, 'active'],
    ['a fast burn page makes the slow burn ticket redundant', 'FeexPayGatewayErrorBudgetBurn', { severity: 'warning' }, 'suppressed'],
    ['the fast burn page notifies', 'FeexPayGatewayErrorBudgetBurn', { severity: 'critical' }, 'active'],
    ['one 5xx incident notifies once: the page-level burn silences the surge', 'FeexPayGatewayServerErrorSurge', { namespace: 'staging' }, 'suppressed'],
    ['the heartbeat is never inhibited, even beside every source', HEARTBEAT_ALERT, { namespace: 'production' }, 'active'],
  ];
  test('the heartbeat without a namespace is never inhibited either', async (t) => {
    if (!available) return t.skip(`${ALERTMANAGER_BIN} not installed`);
    await stateOf(HEARTBEAT_ALERT, {});
    const plain = (await am!.alerts()).find((a) => a.labels.alertname === HEARTBEAT_ALERT && !('namespace' in a.labels));
    assert.equal(plain?.status.state, 'active');
  });
  for (const [title, name, labels, expected] of cases) {
    test(title, async (t) => {
      if (!available) return t.skip(`${ALERTMANAGER_BIN} not installed`);
      assert.equal(await stateOf(name, labels), expected);
    });
  }
});
