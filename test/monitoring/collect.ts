/** Walks the generated objects: every panel, every PromQL target, every rule expression. */
import { buildDashboards } from '../../dashboards/index.ts';
import { buildRuleGroups, isAlertingRule, isRecordingRule } from '../../alerts/index.ts';

export interface PanelJson {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps?: unknown[] } } };
  targets?: Array<{ expr?: string; rawSql?: string; refId?: string; datasource?: { uid?: string } }>;
  links?: Array<{ url?: string }>;
  panels?: PanelJson[];
  options?: unknown;
}

export interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating: { list: Array<{ name: string; type: string; query?: unknown; datasource?: { uid?: string } }> };
  links?: Array<{ url?: string; type?: string }>;
  annotations?: { list: Array<{ name?: string; expr?: string }> };
}

export function dashboards(): Array<[string, DashboardJson]> {
  return Object.entries(buildDashboards()) as Array<[string, DashboardJson]>;
}

/** Every non-row panel, including those inside collapsed rows. */
export function panels(d: DashboardJson): PanelJson[] {
  return d.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

export interface Expr {
  where: string;
  expr: string;
  origin: 'rule' | 'dashboard';
}

export function dashboardExprs(): Expr[] {
  const out: Expr[] = [];
  for (const [file, d] of dashboards()) {
    for (const p of panels(d)) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: `${file} "${p.title}" ${t.refId}`, expr: t.expr, origin: 'dashboard' });
    }
    for (const a of d.annotations?.list ?? []) if (a.expr) out.push({ where: `${file} annotation ${a.name}`, expr: a.expr, origin: 'dashboard' });
    for (const v of d.templating.list) {
      // label_values(<selector>, label): the selector is PromQL.
      const m = typeof v.query === 'string' ? /^label_values\((.*),\s*\w+\)$/.exec(v.query) : null;
      if (m) out.push({ where: `${file} variable ${v.name}`, expr: m[1]!, origin: 'dashboard' });
    }
  }
  return out;
}

export function ruleExprs(): Expr[] {
  return buildRuleGroups().flatMap((g) => g.rules.map((r) => ({ where: `${g.name} ${isAlertingRule(r) ? r.alert : r.record}`, expr: r.expr, origin: 'rule' as const })));
}

export function recordedNames(): Set<string> {
  return new Set(buildRuleGroups().flatMap((g) => g.rules.filter(isRecordingRule).map((r) => r.record)));
}
