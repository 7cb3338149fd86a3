/**
 * The 17 default rules of grafana/dashboard-linter (lint/rules.go NewRuleSet), ported to run on
 * our generated dashboard JSON as a test: the Go binary cannot be installed here. Each rule keeps
 * the upstream name, scope (which panel types, which datasource) and verdicts; PromQL is parsed
 * with Prometheus's own grammar (@prometheus-io/lezer-promql) instead of the Go parser. Warnings
 * and errors both count as findings, as the linter prints both.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { substituteGrafana } from './promql.ts';

interface Ref {
  uid?: string;
  type?: string;
}
interface Template {
  name: string;
  type: string;
  label?: string;
  query?: unknown;
  datasource?: Ref | string | null;
  multi?: boolean;
  allValue?: string;
  refresh?: number;
}
interface Target {
  expr?: string;
  panelId?: number;
  hide?: boolean;
  datasource?: Ref | string;
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: Ref | string | null;
  targets?: Target[];
  panels?: Panel[];
  options?: { reduceOptions?: { fields?: string } };
  fieldConfig?: { defaults?: { unit?: string; mappings?: unknown[] }; overrides?: Array<{ properties?: Array<{ id: string; value: unknown }> }> };
}
export interface LintDashboard {
  title: string;
  editable?: boolean;
  panels: Panel[];
  templating: { list: Template[] };
}

export interface Finding {
  rule: string;
  severity: 'error' | 'warning';
  where: string;
  message: string;
}

const PANELS_WITH_QUERIES = ['singlestat', 'gauge', 'table', 'stat', 'state-timeline', 'timeseries'];
const TITLED = ['stat', 'singlestat', 'graph', 'table', 'timeseries', 'gauge'];
const DATASOURCED = ['singlestat', 'graph', 'table', 'timeseries'];
/** The unit ids rule_panel_units.go accepts that our dashboards could use (its full list is Grafana's). */
const VALID_UNITS = new Set([
  'none',
  'string',
  'short',
  'percent',
  'percentunit',
  'locale',
  'bytes',
  'decbytes',
  'bits',
  'Bps',
  'bps',
  'ns',
  'µs',
  'ms',
  's',
  'm',
  'h',
  'd',
  'dtdurationms',
  'dtdurations',
  'dthms',
  'dtdhms',
  'hertz',
  'cps',
  'ops',
  'reqps',
  'rps',
  'wps',
  'iops',
  'cpm',
  'opm',
  'rpm',
  'wpm',
  'bool',
  'bool_yes_no',
  'bool_on_off',
  'dateTimeAsIso',
  'dateTimeFromNow',
  'currencyUSD',
  'currencyEUR',
]);

const queryText = (q: unknown): string => (typeof q === 'string' ? q : ((q as { query?: string } | undefined)?.query ?? ''));
const dsUid = (ds: Ref | string | null | undefined): string => (typeof ds === 'string' ? ds : (ds?.uid ?? ''));
const titleCase = (s: string) =>
  s
    .split(/(?=[^A-Za-z0-9])|(?<=[^A-Za-z0-9])/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('');

function allPanels(d: LintDashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

function templateDatasource(d: LintDashboard): Template | undefined {
  return d.templating.list.find((t) => t.type === 'datasource');
}
const isPrometheus = (d: LintDashboard) => queryText(templateDatasource(d)?.query) === 'prometheus';

/** Parse errors and every vector selector's matchers, with the function and range around it. */
interface Selector {
  matchers: Array<{ name: string; op: string; value: string }>;
  text: string;
  range: string | null;
  fn: string | null;
  matrixParent: boolean;
}
function parse(expr: string): { ok: boolean; selectors: Selector[] } {
  const src = substituteGrafana(expr);
  const tree = parser.parse(src);
  let ok = src.trim().length > 0;
  const selectors: Selector[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) ok = false;
      if (n.name !== 'VectorSelector') return;
      const node: SyntaxNode = n.node;
      const matchers: Selector['matchers'] = [];
      const list = node.getChild('LabelMatchers');
      for (let m = list?.firstChild ?? null; m; m = m.nextSibling) {
        const name = m.getChild('LabelName');
        const value = m.getChild('StringLiteral');
        const op = name?.nextSibling;
        if (name && value && op)
          matchers.push({ name: src.slice(name.from, name.to), op: src.slice(op.from, op.to), value: JSON.parse(src.slice(value.from, value.to)) as string });
      }
      let outer = node.parent;
      let range: string | null = null;
      const matrixParent = outer?.name === 'MatrixSelector';
      if (matrixParent) {
        const t = src.slice(outer!.from, outer!.to);
        range = t.slice(t.lastIndexOf('[') + 1, t.lastIndexOf(']'));
        outer = outer!.parent;
      }
      const fn = outer?.name === 'FunctionCallBody' ? outer.parent?.getChild('FunctionIdentifier') : null;
      selectors.push({ matchers, text: src.slice(node.from, node.to), range, fn: fn ? src.slice(fn.from, fn.to) : null, matrixParent });
    },
  });
  return { ok, selectors };
}

/** checkForMatcher of target_utils.go: a `name=~"$name"` matcher on the selector. */
function matcherError(s: Selector, name: string): string | null {
  const mine = s.matchers.filter((m) => m.name === name);
  if (mine.some((m) => m.op === '=~' && m.value === `$${name}`)) return null;
  return mine.length ? `${name} selector is not =~ "$${name}"` : `${name} selector not found`;
}

function checkVariable(d: LintDashboard, name: string, out: (sev: Finding['severity'], msg: string) => void): void {
  const t = d.templating.list.find((x) => x.name === name);
  if (!t) return out('error', `is missing the ${name} template`);
  const uid = dsUid(t.datasource);
  if (!['$datasource', '${datasource}', '$prometheus_datasource', '${prometheus_datasource}'].includes(uid))
    out('error', `${name} template should use datasource '$datasource', is currently '${uid}'`);
  if (t.type !== 'query') out('error', `${name} template should be a Prometheus query, is currently '${t.type}'`);
  if (t.label !== titleCase(name)) out('warning', `${name} template should be a labeled '${titleCase(name)}', is currently '${t.label}'`);
  if (!t.multi) out('error', `${name} template should be a multi select`);
  if (t.allValue !== '.+') out('error', `${name} template allValue should be '.+', is currently '${t.allValue}'`);
}

type DashboardRule = (d: LintDashboard, out: (sev: Finding['severity'], msg: string) => void) => void;
type PanelRule = (d: LintDashboard, p: Panel, out: (sev: Finding['severity'], msg: string) => void) => void;
type TargetRule = (d: LintDashboard, p: Panel, t: Target, out: (sev: Finding['severity'], msg: string) => void) => void;

const dashboardRules: Record<string, DashboardRule> = {
  'template-datasource-rule': (d, out) => {
    const ds = d.templating.list.filter((t) => t.type === 'datasource');
    if (ds.length === 0) out('error', 'does not have a templated data source');
    for (const t of ds) {
      const q = queryText(t.query).toLowerCase();
      const names = new Set([`${q}_datasource`, ...(ds.length === 1 ? ['datasource'] : [])]);
      const labels = new Set([`${titleCase(q)} data source`, ...(ds.length === 1 ? ['Data source'] : [])]);
      if (!names.has(t.name)) out('error', `templated data source variable named '${t.name}', should be named '${[...names].join("' or '")}'`);
      if (!labels.has(t.label ?? '')) out('warning', `templated data source variable labeled '${t.label}', should be labeled '${[...labels].join("' or '")}'`);
    }
  },
  'template-job-rule': (d, out) => {
    if (isPrometheus(d)) checkVariable(d, 'job', out);
  },
  'template-instance-rule': (d, out) => {
    if (isPrometheus(d)) checkVariable(d, 'instance', out);
  },
  'template-label-promql-rule': (d, out) => {
    if (!isPrometheus(d)) return;
    for (const t of d.templating.list.filter((x) => x.type === 'query')) {
      const m = /([a-z_]+)\((.+)\)/.exec(queryText(t.query));
      if (!m) {
        out('error', `template '${t.name}' invalid 'query': ${queryText(t.query)}`);
        continue;
      }
      if (!['label_names', 'label_values', 'metrics', 'query_result'].includes(m[1]!)) {
        out('error', `template '${t.name}' invalid 'function': ${m[1]}`);
        continue;
      }
      // label_values(<series selector>, <label>): the selector is the PromQL part.
      const arg = m[1] === 'label_values' && m[2]!.includes(',') ? m[2]!.slice(0, m[2]!.lastIndexOf(',')) : m[2]!;
      if (m[1] !== 'metrics' && !parse(arg).ok) out('error', `template '${t.name}' invalid templated label '${queryText(t.query)}'`);
    }
  },
  'template-on-time-change-reload-rule': (d, out) => {
    for (const t of d.templating.list.filter((x) => x.type === 'query')) {
      if (t.refresh !== 2)
        out('error', `templated datasource variable named '${t.name}', should be set to be refreshed 'On Time Range Change (value 2)', is currently '${t.refresh}'`);
    }
  },
  'uneditable-dashboard': (d, out) => {
    if (d.editable) out('error', "is editable, it should be set to 'editable: false'");
  },
};

const panelRules: Record<string, PanelRule> = {
  'panel-datasource-rule': (d, p, out) => {
    if (!DATASOURCED.includes(p.type)) return;
    const allowed = d.templating.list.filter((t) => t.type === 'datasource').flatMap((t) => [`$${t.name}`, `\${${t.name}}`]);
    if (!allowed.includes(dsUid(p.datasource))) out('error', `does not use a templated datasource, uses '${dsUid(p.datasource)}'`);
  },
  'panel-title-description-rule': (_d, p, out) => {
    if (TITLED.includes(p.type) && (!p.title || !p.description))
      out('error', `has missing title or description, currently has title '${p.title ?? ''}' and description: '${p.description ?? ''}'`);
  },
  'panel-units-rule': (_d, p, out) => {
    if (!TITLED.includes(p.type)) return;
    if (p.type === 'stat' && (p.options?.reduceOptions?.fields ?? '') !== '') return;
    const overrides = (p.fieldConfig?.overrides ?? []).flatMap((o) => o.properties ?? []);
    if (overrides.some((o) => o.id === 'mappings' && o.value) || p.fieldConfig?.defaults?.mappings) return;
    const unit = (overrides.find((o) => o.id === 'unit')?.value as string | undefined) || p.fieldConfig?.defaults?.unit || '';
    if (!VALID_UNITS.has(unit)) out('error', `has no or invalid units defined: '${unit}'`);
  },
  'panel-no-targets-rule': (_d, p, out) => {
    if (TITLED.includes(p.type) && !p.targets) out('error', 'has no targets');
  },
};

const isLoki = (d: LintDashboard, t: Target) => queryText(templateDatasource(d)?.query) === 'loki' || (typeof t.datasource === 'object' && t.datasource?.type === 'loki');

const targetRules: Record<string, TargetRule> = {
  // No LogQL parser runs here: a Loki target is reported rather than passed unchecked. We have none.
  'target-logql-rule': (d, p, t, out) => {
    if (!t.hide && isLoki(d, t) && PANELS_WITH_QUERIES.includes(p.type) && t.expr) out('error', `LogQL not verifiable here: '${t.expr}'`);
  },
  'target-logql-auto-rule': (d, p, t, out) => {
    if (!t.hide && isLoki(d, t) && PANELS_WITH_QUERIES.includes(p.type) && /\[(?!\$__auto\])[^\]]+\]/.test(t.expr ?? ''))
      out('error', `LogQL query '${t.expr}' should use $__auto`);
  },
  'target-promql-rule': (d, p, t, out) => {
    if (!isPrometheus(d) || !PANELS_WITH_QUERIES.includes(p.type)) return;
    if (!t.expr && t.panelId && allPanels(d).some((x) => x.id === t.panelId)) return;
    if (!t.expr && t.panelId) return out('error', 'Invalid panel reference in target');
    if (!parse(t.expr ?? '').ok) out('error', `invalid PromQL query '${t.expr ?? ''}'`);
  },
  'target-rate-interval-rule': (d, p, t, out) => {
    if (!isPrometheus(d) || !PANELS_WITH_QUERIES.includes(p.type)) return;
    const { ok, selectors } = parse(t.expr ?? '');
    if (!ok) return;
    for (const s of selectors) {
      if (s.range === null || substituteGrafana('$__rate_interval') === s.range) continue;
      if (s.fn === 'rate' || s.fn === 'irate') out('error', `invalid PromQL query '${t.expr}': should use $__rate_interval`);
    }
  },
  'target-job-rule': (d, _p, t, out) => {
    if (!isPrometheus(d)) return;
    const { ok, selectors } = parse(t.expr ?? '');
    if (!ok) return;
    for (const s of selectors) {
      const e = matcherError(s, 'job');
      if (e) out('error', `invalid PromQL query '${t.expr}': ${e}`);
    }
  },
  'target-instance-rule': (d, _p, t, out) => {
    if (!isPrometheus(d)) return;
    const { ok, selectors } = parse(t.expr ?? '');
    if (!ok) return;
    for (const s of selectors) {
      const e = matcherError(s, 'instance');
      if (e) out('error', `invalid PromQL query '${t.expr}': ${e}`);
    }
  },
  // Upstream tests the selector's printed form for a `_total` suffix, so only bare selectors are
  // caught; test/monitoring/promql.test.ts checks every catalog counter properly.
  'target-counter-agg-rule': (_d, _p, t, out) => {
    const { ok, selectors } = parse(t.expr ?? '');
    if (!ok) return;
    for (const s of selectors) {
      if (s.text.endsWith('_total') && !(s.matrixParent && ['rate', 'irate', 'increase'].includes(s.fn ?? ''))) {
        out('error', `counter metric '${s.text}' is not aggregated with rate, irate, or increase`);
      }
    }
  },
};

export const RULE_NAMES = [...Object.keys(dashboardRules), ...Object.keys(panelRules), ...Object.keys(targetRules)];

export function lintDashboard(d: LintDashboard): Finding[] {
  const findings: Finding[] = [];
  const push = (rule: string, where: string) => (severity: Finding['severity'], message: string) => findings.push({ rule, severity, where, message });
  for (const [rule, fn] of Object.entries(dashboardRules)) fn(d, push(rule, `Dashboard '${d.title}'`));
  for (const p of allPanels(d)) {
    for (const [rule, fn] of Object.entries(panelRules)) fn(d, p, push(rule, `panel '${p.title}'`));
    for (const t of p.targets ?? []) for (const [rule, fn] of Object.entries(targetRules)) fn(d, p, t, push(rule, `panel '${p.title}' target`));
  }
  return findings;
}
