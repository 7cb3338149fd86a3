/**
 * The monitoring objects carry exactly what alerts/ generates: the PrometheusRule groups are the
 * groups of the rule files synth writes to dist/prometheus, and they pass `promtool check rules`
 * as extracted from the manifest; the AlertmanagerConfig keeps every route, receiver and
 * inhibition of the generated alertmanager.yml, with credentials turned into Secret references.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { buildAlertmanagerConfig, buildRuleFiles } from '../../alerts/index.ts';
import { buildK8s, ENV_NAMES, type AmSource } from '../../k8s/index.ts';
import { ruleObjectName } from '../../k8s/monitoring.ts';
import { fixtureDashboards } from './fixtures/inputs.ts';
import { parseFiles, runSynth, TEST_IMAGE, type Manifest } from './helpers.ts';

const ruleFiles = buildRuleFiles();
const alertmanager = buildAlertmanagerConfig() as unknown as AmSource;
const objects = parseFiles(buildK8s({ ruleFiles, dashboards: fixtureDashboards, alertmanager }, { env: 'production', image: TEST_IMAGE }));
const rules = objects.filter((o) => o.kind === 'PrometheusRule');
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

test('one PrometheusRule per generated rule file, holding exactly its groups', () => {
  assert.deepEqual(rules.map((r) => r.metadata.name).sort(), Object.keys(ruleFiles).map(ruleObjectName).sort());
  for (const [file, text] of Object.entries(ruleFiles)) {
    const rule = rules.find((r) => r.metadata.name === ruleObjectName(file)) as unknown as Manifest & { spec: { groups: unknown[] } };
    assert.deepEqual(rule.spec.groups, (parse(text) as { groups: unknown[] }).groups, file);
  }
});

test('the groups inside the PrometheusRules pass promtool check rules', { skip: !hasPromtool && 'promtool not installed (.ci/install-monitoring-tools.sh)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'prom-rules-'));
  const paths = rules.map((r) => {
    const path = join(dir, `${r.metadata.name}.yml`);
    writeFileSync(path, stringify({ groups: (r.spec as { groups: unknown }).groups }, { lineWidth: 0 }));
    return path;
  });
  const out = execFileSync('promtool', ['check', 'rules', ...paths], { encoding: 'utf8' });
  assert.match(out, /SUCCESS/);
});

test('after npm run synth, dist/k8s holds the same groups as dist/prometheus', () => {
  assert.ok(runSynth(), 'synth.ts exists');
  const k8sFiles = Object.fromEntries(
    readdirSync('dist/k8s')
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [f, readFileSync(join('dist/k8s', f), 'utf8')]),
  );
  const distRules = parseFiles(k8sFiles).filter((o) => o.kind === 'PrometheusRule');
  const promFiles = Object.keys(ruleFiles).filter((f) => existsSync(join('dist/prometheus', f)));
  assert.equal(promFiles.length, Object.keys(ruleFiles).length, 'dist/prometheus lacks a rule file');
  for (const f of promFiles) {
    const fromDist = (parse(readFileSync(join('dist/prometheus', f), 'utf8')) as { groups: unknown[] }).groups;
    const rule = distRules.find((r) => r.metadata.name === ruleObjectName(f));
    assert.deepEqual((rule?.spec as { groups?: unknown[] })?.groups, fromDist, f);
  }
});

test('the AlertmanagerConfig keeps every route, receiver and inhibition, and no credential', () => {
  const amc = objects.find((o) => o.kind === 'AlertmanagerConfig')!;
  const spec = amc.spec as any;
  const src = alertmanager as any;
  assert.deepEqual(
    spec.receivers.map((r: any) => r.name),
    src.receivers.map((r: any) => r.name),
  );
  assert.deepEqual(
    spec.route.routes.map((r: any) => r.receiver),
    src.route.routes.map((r: any) => r.receiver),
  );
  assert.deepEqual(spec.route.groupBy, src.route.group_by);
  assert.equal(spec.inhibitRules.length, src.inhibit_rules.length);
  for (const r of spec.receivers) {
    for (const c of r.slackConfigs ?? []) assert.deepEqual(Object.keys(c.apiURL).sort(), ['key', 'name']);
    for (const c of r.emailConfigs ?? []) {
      assert.ok(c.smarthost && c.from && c.to, 'global SMTP settings carried into each email config');
      if (c.authUsername) assert.deepEqual(Object.keys(c.authPassword).sort(), ['key', 'name']);
    }
  }
  assert.ok(!JSON.stringify(spec).includes('_file'), 'no file path of the compose secrets leaks into the CRD');
});

/** The real dashboards, when dashboards/ builds: they are the largest objects we ship. */
async function realDashboards(): Promise<Record<string, object> | null> {
  try {
    const mod = (await import('../../dashboards/index.ts')) as { buildDashboards?: () => Record<string, object> };
    return mod.buildDashboards?.() ?? null;
  } catch {
    return null;
  }
}

test('with every real input, both environments synthesize, validate, and fit ConfigMap limits', async (t) => {
  const dashboards = await realDashboards();
  if (!dashboards) return t.skip('dashboards/ does not build yet');
  for (const env of ENV_NAMES) {
    const objs = parseFiles(buildK8s({ ruleFiles, dashboards, alertmanager }, { env, image: TEST_IMAGE }));
    const maps = objs.filter((o) => o.file === '40-dashboards.yaml');
    assert.equal(maps.length, Object.keys(dashboards).length);
    for (const cm of maps) {
      const bytes = Buffer.byteLength(JSON.stringify(cm));
      // etcd's object limit is 1 MiB; past 256 KiB only server-side apply works (docs/deploy.md).
      assert.ok(bytes < 900 * 1024, `${cm.metadata.name}: ${bytes} bytes`);
      for (const [key, json] of Object.entries((cm as any).data as Record<string, string>)) {
        assert.deepEqual(JSON.parse(json), dashboards[key], key);
      }
    }
  }
});
