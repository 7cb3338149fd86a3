/** Dashboard scaffolding shared by all dashboards: variables, cross-links, stable panel ids. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MonitoringConfig } from '../alerts/config.ts';
import { namespaceVariable, networkVariable, postgresDatasource, prometheusDatasource } from './variables.ts';

export const TAG = 'feexpay';

export interface DashboardMeta {
  uid: string;
  title: string;
  description: string;
  withNetwork?: boolean;
  withPostgres?: boolean;
}

export function baseDashboard(cfg: MonitoringConfig, m: DashboardMeta): dashboard.DashboardBuilder {
  const vars = [prometheusDatasource(), ...(m.withPostgres ? [postgresDatasource()] : []), namespaceVariable(cfg), ...(m.withNetwork ? [networkVariable()] : [])];
  return new dashboard.DashboardBuilder(m.title)
    .uid(m.uid)
    .description(m.description)
    .tags([TAG])
    .editable()
    .timezone('browser')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables(vars)
    // Every dashboard tagged feexpay, as a dropdown, keeping time range and environment.
    .link(new dashboard.DashboardLinkBuilder('FeexPay dashboards').type(dashboard.DashboardLinkType.Dashboards).tags([TAG]).asDropdown(true).includeVars(true).keepTime(true))
    .link(new dashboard.DashboardLinkBuilder('Runbooks').type(dashboard.DashboardLinkType.Link).url(cfg.runbookBaseUrl).targetBlank(true).icon('doc'));
}

/**
 * Expands every row but those named in `collapsed` (Grafana keeps an open row's panels at the top
 * level after it, a collapsed row's inside it), then numbers panels in layout order: Grafana
 * needs unique ids, and a diff must not churn them.
 */
export function finish(b: dashboard.DashboardBuilder, collapsed: readonly string[] = []): dashboard.Dashboard {
  const d = b.build();
  const flat: NonNullable<dashboard.Dashboard['panels']> = [];
  for (const p of d.panels ?? []) {
    if (p.type === 'row' && 'panels' in p && !collapsed.includes(p.title ?? '')) {
      flat.push({ ...p, collapsed: false, panels: [] }, ...p.panels);
    } else {
      flat.push(p);
    }
  }
  let id = 0;
  for (const p of flat) {
    p.id = ++id;
    if ('panels' in p) for (const child of p.panels) child.id = ++id;
  }
  d.panels = flat;
  return d;
}
