/**
 * The monitoring-mixin linter's rules and grafana/dashboard-linter's 17 default rules, ported as tests, plus ours:
 * runbooks exist, every alert has promtool cases that show it firing and staying quiet.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { alertNames, buildAlertmanagerConfig, buildRuleGroups, isAlertingRule, isRecordingRule, MAX_RULES_PER_GROUP, monitoringConfig } from '../../alerts/index.ts';
import { HEARTBEAT_SEVERITY } from '../../alerts/knobs.ts';
import { HEARTBEAT_ALERT } from '../../alerts/rules/heartbeat.ts';
import { buildRuleTestModels } from '../../alerts/tests/index.ts';
import { API_UID, DATABASE_UID, INFRA_UID, PAYMENTS_UID, buildDashboards } from '../../dashboards/index.ts';
import { FEEXPAY_CLIENT_TIMEOUTS_SECONDS, serviceMetrics } from '../../src/metrics/catalog.ts';
import { loadConfig } from '../../src/config.ts';
import { dashboards, panels } from './collect.ts';
import { lintDashboard, RULE_NAMES, type LintDashboard } from './dashboard-linter.ts';

const RUNBOOKS = new URL('../../alerts/runbooks/', import.meta.url);
const groups = buildRuleGroups();
const alerts = groups.flatMap((g) => g.rules.filter(isAlertingRule));

describe('alert rules', () => {
  test('groups hold at most 20 rules and have unique names', () => {
    for (const g of groups) assert.ok(g.rules.length <= MAX_RULES_PER_GROUP, `${g.name}: ${g.rules.length} rules`);
    assert.equal(new Set(groups.map((g) => g.name)).size, groups.length);
  });

  test('recording rules are named level:metric:operations', () => {
    for (const r of groups.flatMap((g) => g.rules.filter(isRecordingRule))) {
      assert.match(r.record, /^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/, r.record);
    }
  });

  for (const a of alerts) {
    const id = `${a.alert}${a.labels.long_window ? ` (${a.labels.long_window})` : ''}`;
    test(`${id}: name, severity, annotations, runbook`, () => {
      assert.match(a.alert, /^[A-Z][a-zA-Z0-9]*$/, 'CamelCase');
      assert.ok(a.alert.length <= 40, 'at most 40 characters');
      // The heartbeat alone has its own severity (no human receiver matches it), and nothing measured.
      const heartbeat = a.alert === HEARTBEAT_ALERT;
      assert.ok(heartbeat ? a.labels.severity === HEARTBEAT_SEVERITY : ['critical', 'warning', 'info'].includes(a.labels.severity));
      assert.ok(a.for, 'has a for duration');
      const { summary, description, runbook_url } = a.annotations;
      assert.doesNotMatch(summary, /\{\{|\$/, 'summary has no template');
      assert.match(summary, /^[A-Z].*\.$/, 'summary starts upper case and ends with a period');
      assert.equal(summary.split(/\.\s/).length, 1, 'summary is one sentence');
      if (!heartbeat) assert.match(description, /\{\{ \$(labels|value)/, 'description is templated');
      // A state (down, absent) has no value worth printing; a threshold crossing does.
      const measured = !heartbeat && !/== 0|absent\(/.test(a.expr);
      if (measured) assert.match(description, /\{\{ \$value/, 'description shows the value');
      assert.equal(runbook_url, `${monitoringConfig.runbookBaseUrl}/${a.alert}.md`);
      assert.match(a.annotations.dashboard_url ?? '', new RegExp(`^${monitoringConfig.externalUrls.grafana}/d/[a-z-]+$`), 'links its dashboard');
      // A threshold crossing prints what was measured beside the limit, as separate annotations.
      if (measured) {
        assert.match(a.annotations.value ?? '', /\{\{ \$value/, 'value annotation is the measured value');
        assert.ok(a.annotations.threshold && !a.annotations.threshold.includes('{{'), 'threshold annotation is a plain limit');
      }
      const file = new URL(`${a.alert}.md`, RUNBOOKS);
      assert.ok(existsSync(file), `runbook alerts/runbooks/${a.alert}.md`);
      const md = readFileSync(file, 'utf8');
      for (const h of ['## What it means', '## How to confirm', '## What to do']) assert.ok(md.includes(h), `${a.alert}.md: ${h}`);
    });
  }

  test('webhook error results are values of the catalog label, and never the wrong-token rejections', () => {
    const allowed = serviceMetrics.webhookDeliveries.labels.result ?? [];
    for (const r of monitoringConfig.feexpay.webhookErrors.results) assert.ok(allowed.includes(r), r);
    assert.ok(!monitoringConfig.feexpay.webhookErrors.results.includes('rejected'), 'anyone can produce rejected deliveries');
  });

  test('every exporter a rule reads has an absence alert under its configured job', () => {
    const reads = new Map<string, string>();
    for (const a of alerts) for (const [, job] of a.expr.matchAll(/job="([^"]+)"/g)) reads.set(job!, a.alert);
    const absent = alerts.filter((a) => a.alert === 'FeexPayExporterAbsent').map((a) => /job="([^"]+)"/.exec(a.expr)?.[1]);
    for (const job of reads.keys()) if (job !== monitoringConfig.job) assert.ok(absent.includes(job), `${reads.get(job)} reads job ${job}`);
  });

  test('the FeexPay client timeouts are latency bucket bounds, with a bound just above each', () => {
    const defaults = loadConfig({}).feexpay;
    const bounds: readonly number[] = serviceMetrics.feexpayRequestDuration.buckets ?? [];
    for (const t of [defaults.requestTimeoutMs / 1000, defaults.statusTimeoutMs / 1000]) {
      assert.ok(FEEXPAY_CLIENT_TIMEOUTS_SECONDS.includes(t as never), `default timeout ${t}s is listed`);
      assert.ok(bounds.includes(t), `bound at ${t}s`);
      const next = bounds[bounds.indexOf(t) + 1]!;
      assert.ok(next <= t * 1.05 + 1e-9, `next bound ${next}s within 5% of ${t}s: a timed-out call reads about its timeout`);
    }
  });
});

describe('promtool unit tests cover every alert', () => {
  const cases = Object.values(buildRuleTestModels())
    .flat()
    .flatMap((g) => g.alert_rule_test);
  for (const name of alertNames()) {
    test(name, () => {
      const mine = cases.filter((c) => c.alertname === name);
      assert.ok(
        mine.some((c) => c.exp_alerts.length > 0),
        'a case where it fires',
      );
      // The heartbeat has no quiet case: its silence is the outage the external service pages for.
      if (name === HEARTBEAT_ALERT)
        assert.ok(
          mine.every((c) => c.exp_alerts.length === 1),
          'fires in every case',
        );
      else
        assert.ok(
          mine.some((c) => c.exp_alerts.length === 0),
          'a case where it stays quiet',
        );
    });
  }

  const RATIO_ALERTS = [
    'FeexPayPaymentSuccessRateLow',
    'FeexPayNetworkSuccessRateLow',
    'FeexPayApiLatencyHigh',
    'FeexPayGatewayErrorBudgetBurn',
    'FeexPayGatewayServerErrorSurge',
    'FeexPayApiErrorsHigh',
    'FeexPayApiTimeoutsHigh',
  ];
  for (const name of RATIO_ALERTS) {
    test(`${name}: a quiet-night case (low volume, high failure ratio) stays silent`, () => {
      const quiet = Object.values(buildRuleTestModels())
        .flat()
        .filter((g) => /quiet/.test(g.title));
      assert.ok(quiet.some((g) => g.alert_rule_test.some((c) => c.alertname === name && c.exp_alerts.length === 0)));
    });
  }
});

describe('alertmanager', () => {
  const am = buildAlertmanagerConfig() as { inhibit_rules: Array<{ source_matchers: string[]; target_matchers: string[] }> };
  test('inhibition rules name real alerts and components', () => {
    const names = new Set(alertNames());
    const components = new Set(alerts.map((a) => a.labels.component));
    for (const r of am.inhibit_rules) {
      for (const m of [...r.source_matchers, ...r.target_matchers]) {
        const [, label, , value] = /^(\w+)(=~|=)"(.*)"$/.exec(m) ?? [];
        const values = value?.split('|') ?? [];
        if (label === 'alertname') for (const v of values) assert.ok(names.has(v), `no alert ${v}`);
        if (label === 'component') for (const v of values) assert.ok(components.has(v), `no component ${v}`);
      }
    }
  });

  test('no secret values in the config, only file paths', () => {
    const text = JSON.stringify(am);
    assert.doesNotMatch(text, /hooks\.slack\.com|"(api_url|auth_password|smtp_auth_password|url)"/);
    assert.match(text, /slack_api_url_file/);
    assert.match(text, /auth_password_file/);
    assert.match(text, /"url_file":"\/etc\/alertmanager\/secrets\/heartbeat-url"/);
  });

  test('no inhibition can target the heartbeat, whatever its source', () => {
    for (const r of am.inhibit_rules) assert.ok(r.target_matchers.includes(`severity!="${HEARTBEAT_SEVERITY}"`), JSON.stringify(r));
  });
});

describe('dashboards', () => {
  test('uids are fixed and unique, builds are identical', () => {
    const uids = dashboards()
      .map(([, d]) => d.uid)
      .sort();
    assert.deepEqual(uids, [API_UID, DATABASE_UID, INFRA_UID, PAYMENTS_UID].sort());
    assert.equal(JSON.stringify(buildDashboards()), JSON.stringify(buildDashboards()));
  });

  for (const [file, d] of dashboards()) {
    const prometheus = d.templating.list.find((v) => v.type === 'datasource')?.query === 'prometheus';
    test(`${file}: variables, links, annotations`, () => {
      const vars = d.templating.list.map((v) => v.name);
      for (const v of prometheus ? ['datasource', 'namespace', 'job', 'instance'] : ['datasource']) assert.ok(vars.includes(v), `variable ${v}`);
      assert.ok(
        d.links?.some((l) => l.type === 'dashboards'),
        'links to the other dashboards',
      );
      const ids = panels(d).map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, 'panel ids unique');
      if (prometheus)
        assert.ok(
          d.annotations?.list.some((a) => /ALERTS\{alertstate="firing"/.test(a.expr ?? '')),
          'firing alerts drawn as annotations',
        );
    });

    for (const p of panels(d).filter((x) => x.type !== 'alertlist')) {
      test(`${file} "${p.title}": title, description, unit, explicit thresholds, datasource variable`, () => {
        assert.ok(p.title?.trim(), 'title');
        assert.ok(p.description?.trim(), 'description');
        assert.ok(p.fieldConfig?.defaults?.unit, 'unit');
        // Never Grafana's default steps (green, red at 80): every panel states its own.
        const steps = p.fieldConfig?.defaults?.thresholds?.steps ?? [];
        assert.ok(steps.length > 0, 'explicit thresholds');
        assert.ok(!steps.some((st) => (st as { value: number | null }).value === 80), 'not the default red at 80');
        if (p.type === 'stat' && steps.length === 1)
          assert.notEqual((p.options as { colorMode?: string } | undefined)?.colorMode, 'background', 'no coloured background without a limit');
        assert.match(p.datasource?.uid ?? '', /^\$\{\w+\}$/, 'panel datasource is a template variable');
        assert.ok(p.targets?.length, 'has queries');
        for (const t of p.targets ?? []) assert.match(t.datasource?.uid ?? '', /^\$\{\w+\}$/, 'target datasource is a template variable');
        for (const l of p.links ?? []) {
          const m = /\/([A-Za-z]+)\.md$/.exec(l.url ?? '');
          if (m) assert.ok(existsSync(new URL(`${m[1]}.md`, RUNBOOKS)), `runbook link ${l.url}`);
        }
        for (const t of p.targets ?? []) {
          if (t.rawSql) assert.doesNotMatch(t.rawSql, /phone_number|customer|\bselect\s+\*/i, 'no personal data in SQL');
        }
      });
    }

    test(`${file}: grafana/dashboard-linter's ${RULE_NAMES.length} default rules find nothing`, () => {
      assert.equal(RULE_NAMES.length, 17);
      assert.deepEqual(lintDashboard(d as unknown as LintDashboard), []);
    });
  }

  test('the ported linter finds what upstream finds on a bad dashboard', () => {
    const bad: LintDashboard = {
      title: 'bad',
      editable: true,
      templating: {
        list: [
          { name: 'ds', type: 'datasource', label: 'Prom', query: 'prometheus' },
          { name: 'job', type: 'query', label: 'job', query: 'label_values(up, job)', datasource: { uid: '${ds}' }, multi: false, allValue: '.*', refresh: 1 },
        ],
      },
      panels: [
        {
          type: 'timeseries',
          title: 'x',
          datasource: { uid: 'prom-uid' },
          fieldConfig: { defaults: { unit: 'furlongs' } },
          targets: [{ expr: 'sum(rate(http_requests_total[5m]))' }, { expr: 'sum(rate(' }],
        },
        { type: 'stat', title: 'no targets', description: 'd', fieldConfig: { defaults: { unit: 's' } } },
      ],
    };
    const rules = new Set(lintDashboard(bad).map((f) => f.rule));
    for (const r of [
      'template-datasource-rule',
      'template-job-rule',
      'template-instance-rule',
      'template-on-time-change-reload-rule',
      'uneditable-dashboard',
      'panel-datasource-rule',
      'panel-title-description-rule',
      'panel-units-rule',
      'panel-no-targets-rule',
      'target-promql-rule',
      'target-rate-interval-rule',
      'target-job-rule',
      'target-instance-rule',
    ])
      assert.ok(rules.has(r), `${r} fires`);
    const counter = lintDashboard({ ...bad, panels: [{ type: 'timeseries', title: 't', description: 'd', targets: [{ expr: 'sum(http_requests_total)' }] }] });
    assert.ok(counter.some((f) => f.rule === 'target-counter-agg-rule'));
    const labels = lintDashboard({ ...bad, templating: { list: [...bad.templating.list, { name: 'v', type: 'query', query: 'label_values(up{, job)', refresh: 2 }] } });
    assert.ok(labels.some((f) => f.rule === 'template-label-promql-rule'));
  });

  test('the payments dashboard draws the alert thresholds', () => {
    const d = dashboards().find(([, x]) => x.uid === PAYMENTS_UID)![1];
    const steps = (title: string) => JSON.stringify(panels(d).find((p) => p.title === title)?.fieldConfig?.defaults?.thresholds?.steps);
    assert.match(steps('Success rate, overall and by network'), /"value":0\.9/);
    assert.match(steps('FeexPay API latency by operation'), /"value":5\b/);
    assert.match(steps('FeexPay error and timeout share by operation'), /"value":0\.25/);
    assert.match(steps('Webhook errors per hour'), /"value":5\b/);
    assert.match(steps('Reconciler wait'), /"value":60\b/);
    assert.match(steps('Oldest pending payment'), /"value":4500\b/);
  });

  test('the top row says whose fault it is: FeexPay errors and timeouts, API 5xx and p95, the alert list', () => {
    for (const uid of [PAYMENTS_UID, API_UID]) {
      const d = dashboards().find(([, x]) => x.uid === uid)![1];
      const top = d.panels.slice(1, 6).map((p) => p.title);
      assert.equal(d.panels[0]?.title, 'Whose fault is it');
      assert.deepEqual(top, ['FeexPay errors (5m)', 'FeexPay timeouts (5m)', 'API 5xx (5m)', 'API p95 (5m)', 'FeexPay gateway alerts']);
      assert.equal(d.panels[5]?.type, 'alertlist');
    }
  });

  test('PostgreSQL panels are per server, never summed across servers', () => {
    const d = dashboards().find(([, x]) => x.uid === INFRA_UID)![1];
    const pg = panels(d).filter((p) => p.targets?.some((t) => /\bpg_/.test(t.expr ?? '')));
    assert.ok(pg.length >= 4);
    for (const p of pg) for (const t of p.targets ?? []) assert.match(t.expr ?? '', /^(sum|min|max) by \((instance|instance, \w+)\)/, `${p.title}: ${t.expr}`);
  });

  test('counts are whole numbers', () => {
    const counts = [
      'Payments started',
      'Pending now',
      'Money collected in range',
      'Webhook errors per hour',
      'Rejected deliveries per hour',
      'Pending backlog by network',
      'Container restarts',
      'Restarts',
    ];
    const all = dashboards().flatMap(([, d]) => panels(d));
    for (const title of counts) {
      const p = all.find((x) => x.title === title);
      assert.ok(p, title);
      assert.equal((p.fieldConfig?.defaults as { decimals?: number } | undefined)?.decimals, 0, title);
    }
  });
});
