/** docs/deploy.md stays true to the code it documents; synth's environment selection. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { envSettings, k8sOutput, parseSynthArgs } from '../../k8s/index.ts';
import { fixtureAlertmanager, fixtureDashboards, fixtureRuleFiles } from './fixtures/inputs.ts';
import { allSecretKeys, APP_SECRET_NAME } from '../../k8s/secrets.ts';

const doc = readFileSync('docs/deploy.md', 'utf8');

test('the documented Secret lists exactly the keys the manifests reference', () => {
  const table = doc.slice(doc.indexOf('## 3.'), doc.indexOf('## 4.'));
  const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, allSecretKeys());
  assert.ok(table.includes(APP_SECRET_NAME));
});

test('the deploy steps wait for the CRDs and apply server-side', () => {
  assert.match(doc, /kubectl wait --for condition=Established/);
  for (const crd of ['servicemonitors', 'prometheusrules', 'alertmanagerconfigs']) assert.ok(doc.includes(`crd/${crd}.monitoring.coreos.com`), crd);
  assert.match(doc, /kubectl apply --server-side[^\n]* -f dist\/k8s/);
});

test('synth picks the environment from its argument, then SYNTH_ENV, else staging; nothing else is accepted', () => {
  assert.deepEqual(parseSynthArgs([], {}), { env: 'staging', settingsFile: null, help: false });
  assert.equal(parseSynthArgs([], { SYNTH_ENV: 'production' }).env, 'production');
  assert.equal(parseSynthArgs(['production'], { SYNTH_ENV: 'staging' }).env, 'production');
  assert.equal(parseSynthArgs(['--', 'production']).env, 'production', '`--` ends the options');
  assert.equal(parseSynthArgs(['production', '--settings', 'a.yaml'], {}).settingsFile, 'a.yaml');
  assert.equal(parseSynthArgs(['--settings=b.json'], {}).settingsFile, 'b.json');
  assert.equal(parseSynthArgs([], { SYNTH_SETTINGS: 'c.yaml' }).settingsFile, 'c.yaml');
  assert.equal(parseSynthArgs(['--help'], {}).help, true);
  assert.throws(() => parseSynthArgs(['prod'], {}), /Unknown environment "prod"/);
  assert.throws(() => parseSynthArgs(['production', 'staging'], {}), /one environment per synth: got "production" and "staging"/);
  assert.throws(() => parseSynthArgs(['--prod'], {}), /unknown option "--prod"/);
  assert.throws(() => parseSynthArgs(['--settings'], {}), /--settings needs a file/);
});

test('the compose init scripts are valid shell', () => {
  for (const f of readdirSync('deploy/postgres/initdb')) execFileSync('sh', ['-n', `deploy/postgres/initdb/${f}`]);
});

test('k8sOutput writes under k8s/ and checks the Alertmanager configuration it is handed', () => {
  const generated = { ruleFiles: fixtureRuleFiles, dashboards: fixtureDashboards, alertmanager: { ...fixtureAlertmanager } as Record<string, unknown> };
  const out = k8sOutput(generated, envSettings('staging'));
  assert.deepEqual(Object.keys(out), ['k8s/00-namespace.yaml', 'k8s/10-api.yaml', 'k8s/30-monitoring.yaml', 'k8s/40-dashboards.yaml']);
  assert.throws(() => k8sOutput({ ...generated, alertmanager: { receivers: [] } }, envSettings('staging')), /needs a route/);
  const none = k8sOutput({ ...generated, alertmanager: null }, envSettings('staging'));
  assert.ok(!none['k8s/30-monitoring.yaml']!.includes('AlertmanagerConfig'));
});
