/** Dashboard scaffolding shared by all dashboards: variables, annotations, cross-links, stable panel ids. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { externalMetrics } from '../src/metrics/catalog.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { eq, sel } from '../alerts/promql.ts';
import { ns } from './selectors.ts';
import { instanceVariable, jobVariable, namespaceVariable, networkVariable, postgresDatasource, PROM_DS, prometheusDatasource } from './variables.ts';

export const TAG = 'feexpay';

export interface DashboardMeta {
  uid: string;
  title: string;
  description: string;
  /** Scrape jobs the dashboard reads: the universe of its job and instance variables. */
  jobs: readonly string[];
  withNetwork?: boolean;
}

/**
 * Alert state changes drawn on every time series: a person reading a graph at 3 a.m. sees when
 * each of our alerts started firing without leaving the dashboard.
 */
function alertAnnotations(cfg: MonitoringConfig): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('FeexPay alerts firing')
    .datasource(PROM_DS)
    .enable(true)
    .iconColor('red')
    .expr(sel(externalMetrics.alerts.name, eq('alertstate', 'firing'), eq('service', cfg.service), ns))
    .step('60s')
    .titleFormat('{{alertname}}')
    .textFormat('{{severity}} {{operation}}{{network}}{{instance}}')
    .tagKeys('severity,component');
}

function common(cfg: MonitoringConfig, m: { uid: string; title: string; description: string }): dashboard.DashboardBuilder {
  return (
    new dashboard.DashboardBuilder(m.title)
      .uid(m.uid)
      .description(m.description)
      .tags([TAG])
      // Provisioned from code: edits in the UI would be lost on the next deploy, so none are offered.
      .readonly()
      .timezone('browser')
      .time({ from: 'now-6h', to: 'now' })
      .refresh('1m')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      // Every dashboard tagged feexpay, as a dropdown, keeping time range and environment.
      .link(new dashboard.DashboardLinkBuilder('FeexPay dashboards').type(dashboard.DashboardLinkType.Dashboards).tags([TAG]).asDropdown(true).includeVars(true).keepTime(true))
      .link(new dashboard.DashboardLinkBuilder('Runbooks').type(dashboard.DashboardLinkType.Link).url(cfg.runbookBaseUrl).targetBlank(true).icon('doc'))
      .link(
        new dashboard.DashboardLinkBuilder('Alertmanager').type(dashboard.DashboardLinkType.Link).url(`${cfg.externalUrls.alertmanager}/#/alerts`).targetBlank(true).icon('bolt'),
      )
  );
}

export function baseDashboard(cfg: MonitoringConfig, m: DashboardMeta): dashboard.DashboardBuilder {
  const vars = [prometheusDatasource(), namespaceVariable(cfg), jobVariable(m.jobs), instanceVariable(m.jobs), ...(m.withNetwork ? [networkVariable()] : [])];
  return common(cfg, m).variables(vars).annotation(alertAnnotations(cfg));
}

/** A dashboard on the payments database: its only datasource is PostgreSQL. */
export function sqlDashboard(cfg: MonitoringConfig, m: { uid: string; title: string; description: string }): dashboard.DashboardBuilder {
  return common(cfg, m).variables([postgresDatasource(), networkVariable()]);
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
