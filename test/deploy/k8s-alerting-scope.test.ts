/**
 * The AlertmanagerConfig under `alertmanagerConfigMatcherStrategy: None`: the operator adds no
 * matcher and forces `continue: true` on its top route, so the route's own matchers are all that
 * keeps the cluster's other alerts (Watchdog, other teams' criticals) away from this service's
 * receivers. Checked with amtool's routing on the tree the operator builds (cluster root, our
 * route nested under it), from the real alerts/ configuration. Staging has its own receivers;
 * a channel whose Secret key is absent is not referenced at all.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { buildAlertmanagerConfig, buildRuleFiles, HEARTBEAT_ALERT, HEARTBEAT_SEVERITY, RECEIVERS } from '../../alerts/index.ts';
import { alertmanagerConfig } from '../../k8s/alertmanager-config.ts';
import { warnings } from '../../k8s/checks.ts';
import { renderK8s, type AmSource, type EnvSettings } from '../../k8s/index.ts';
import { fixtureDashboards } from './fixtures/inputs.ts';
import { parseFiles, shipped } from './helpers.ts';

const alertmanager = buildAlertmanagerConfig() as unknown as AmSource;
const hasAmtool = spawnSync('amtool', ['--version']).status === 0;

function amConfigOf(s: EnvSettings): any {
  const objects = parseFiles(renderK8s(s, { ruleFiles: buildRuleFiles(), dashboards: fixtureDashboards, alertmanager }));
  return objects.find((o) => o.kind === 'AlertmanagerConfig')!;
}

interface Route {
  receiver?: string;
  matchers?: { name: string; matchType?: string; value: string }[];
  continue?: boolean;
  routes?: Route[];
  groupBy?: string[];
}

/** The CRD route back in alertmanager.yml terms, as the operator renders it. */
function toAmRoute(r: Route, top = false): Record<string, unknown> {
  return {
    ...(r.receiver ? { receiver: r.receiver } : {}),
    ...(r.matchers ? { matchers: r.matchers.map((m) => `${m.name}${m.matchType ?? '='}${JSON.stringify(m.value)}`) } : {}),
    ...(top || r.continue ? { continue: true } : {}),
    ...(r.routes ? { routes: r.routes.map((x) => toAmRoute(x)) } : {}),
  };
}

/** Receivers an alert with `labels` reaches, through the cluster's root and our nested route. */
function receiversFor(amc: any, labels: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'am-scope-'));
  const config = {
    route: { receiver: 'cluster-default', routes: [toAmRoute(amc.spec.route, true)] },
    receivers: [{ name: 'cluster-default' }, ...amc.spec.receivers.map((r: { name: string }) => ({ name: r.name }))],
  };
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, stringify(config));
  const out = execFileSync('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8' });
  return out.trim().split(',').filter(Boolean);
}

const needsAmtool = { skip: !hasAmtool && 'amtool not installed (.ci/install-monitoring-tools.sh)' };

test("the top route matches this service only: the cluster keeps Watchdog and other teams' alerts", needsAmtool, () => {
  const amc = amConfigOf(shipped('production'));
  assert.deepEqual(amc.spec.route.matchers, [{ name: 'service', matchType: '=', value: 'feexpay-gateway' }]);
  assert.deepEqual(receiversFor(amc, { alertname: 'Watchdog', severity: 'none' }), ['cluster-default']);
  assert.deepEqual(receiversFor(amc, { alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'other-team' }), ['cluster-default']);
  assert.deepEqual(receiversFor(amc, { alertname: 'FeexPayGatewayDown', severity: 'critical', service: 'feexpay-gateway' }), ['oncall-email', 'slack-critical']);
  assert.deepEqual(receiversFor(amc, { alertname: 'FeexPayHighLatency', severity: 'warning', service: 'feexpay-gateway' }), ['slack-warning']);
});

test("inhibitions mute only this service's alerts", () => {
  const amc = amConfigOf(shipped('production'));
  for (const rule of amc.spec.inhibitRules) {
    for (const side of [rule.sourceMatch, rule.targetMatch])
      assert.ok(
        side.some((m: any) => m.name === 'service' && m.value === 'feexpay-gateway'),
        JSON.stringify(rule),
      );
  }
});

test("staging has its own receivers: no page to production's on-call, its own Slack channel", () => {
  const prod = amConfigOf(shipped('production'));
  const staging = amConfigOf(shipped('staging'));
  const destinations = (amc: any) => ({
    emails: amc.spec.receivers.flatMap((r: any) => (r.emailConfigs ?? []).map((c: any) => c.to)),
    channels: [...new Set<string>(amc.spec.receivers.flatMap((r: any) => (r.slackConfigs ?? []).map((c: any) => c.channel)))],
  });
  const p = destinations(prod);
  const st = destinations(staging);
  assert.ok(p.emails.length > 0 && p.channels.length > 0);
  assert.deepEqual(st.emails, [], 'staging pages no one by email');
  assert.deepEqual(st.channels, ['#feexpay-staging-alerts']);
  for (const c of p.channels) assert.ok(!st.channels.includes(c));
});

test('a channel whose Secret key is absent is not referenced (the operator would reject the whole config)', () => {
  const s = shipped('production');
  s.alerting.slack = false;
  const text = JSON.stringify(amConfigOf(s).spec);
  assert.doesNotMatch(text, /SLACK_WEBHOOK_URL|slackConfigs/);
  assert.match(text, /SMTP_PASSWORD/);
  s.alerting.slack = true;
  s.alerting.email = false;
  const noMail = JSON.stringify(amConfigOf(s).spec);
  assert.doesNotMatch(noMail, /SMTP_PASSWORD|emailConfigs/);
  assert.match(noMail, /SLACK_WEBHOOK_URL/);
  s.alerting.slack = false;
  assert.throws(() => amConfigOf(s), /production needs Slack or email/);
});

/** Our heartbeat as Prometheus sends it from a PrometheusRule (the operator may add namespace). */
const heartbeat = { alertname: HEARTBEAT_ALERT, severity: HEARTBEAT_SEVERITY, service: 'feexpay-gateway', component: 'monitoring', namespace: 'feexpay' };

test("the heartbeat reaches its own receiver only; the cluster's Watchdog never reaches it nor ours", needsAmtool, () => {
  const s = shipped('production');
  s.alerting.heartbeat = true;
  const amc = amConfigOf(s);
  assert.deepEqual(receiversFor(amc, heartbeat), [RECEIVERS.heartbeat]);
  // kube-prometheus-stack's own dead man's switch stays the cluster's.
  assert.deepEqual(receiversFor(amc, { alertname: 'Watchdog', severity: 'none', namespace: 'monitoring' }), ['cluster-default']);
  // Even one carrying our service label: the heartbeat route wants our alert's name.
  assert.ok(!receiversFor(amc, { alertname: 'Watchdog', severity: 'none', service: 'feexpay-gateway' }).includes(RECEIVERS.heartbeat));
  for (const severity of ['critical', 'warning', 'info'])
    assert.ok(!receiversFor(amc, { alertname: 'FeexPayGatewayDown', severity, service: 'feexpay-gateway' }).includes(RECEIVERS.heartbeat), severity);
  const receiver = amc.spec.receivers.find((r: any) => r.name === RECEIVERS.heartbeat);
  assert.deepEqual(receiver.webhookConfigs, [{ urlSecret: { name: 'feexpay-gateway-secrets', key: 'HEARTBEAT_URL' }, sendResolved: false }]);
  for (const rule of amc.spec.inhibitRules)
    assert.ok(
      rule.targetMatch.some((m: any) => m.name === 'severity' && m.matchType === '!=' && m.value === HEARTBEAT_SEVERITY),
      JSON.stringify(rule),
    );
});

test('without HEARTBEAT_URL the heartbeat still ends at its receiver, which sends nothing, and synth warns for production', needsAmtool, () => {
  const s = shipped('production');
  assert.equal(s.alerting.heartbeat, false, 'off until the Secret holds the key');
  const amc = amConfigOf(s);
  assert.doesNotMatch(JSON.stringify(amc.spec), /HEARTBEAT_URL|webhookConfigs/);
  assert.deepEqual(
    amc.spec.receivers.find((r: any) => r.name === RECEIVERS.heartbeat),
    { name: RECEIVERS.heartbeat },
  );
  assert.deepEqual(receiversFor(amc, heartbeat), [RECEIVERS.heartbeat], 'never Slack or email');
  assert.ok(warnings(s).some((w) => w.includes('alerting.heartbeat')));
  assert.ok(!warnings(shipped('staging')).some((w) => w.includes('alerting.heartbeat')));
  s.alerting.heartbeat = true;
  assert.ok(!warnings(s).some((w) => w.includes('alerting.heartbeat')));
});

test("a webhook on any other receiver is refused: it would post to the heartbeat's URL", () => {
  const s = shipped('production');
  s.alerting.heartbeat = true;
  const source = structuredClone(alertmanager);
  source.receivers.push({ name: 'tickets', webhook_configs: [{ url_file: '/etc/alertmanager/secrets/tickets' }] });
  assert.throws(() => alertmanagerConfig(source, {}, s.alerting), /Receiver tickets: webhook_configs translate only for the heartbeat receiver/);
});
