/**
 * Panel constructors with the house rules built in: every panel has a title, a description, a
 * unit, explicit thresholds and a datasource variable; thresholds come from the alert
 * configuration so the line on the graph is the line that pages, and panels with no line say so
 * (`NO_LIMIT`) instead of inheriting Grafana's default red at 80.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { runbookUrl } from '../alerts/alert.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { PG_DS, PROM_DS } from './variables.ts';
import { SqlQueryBuilder, type SqlDataquery } from './sql-query.ts';

export interface Query {
  expr: string;
  legend: string;
  /** Instant queries for single-value stats and tables. */
  instant?: boolean;
}

export interface Link {
  title: string;
  url: string;
}

/** The runbook of the alert a panel draws the line of: the page the alert's own annotation opens. */
export const runbook = (cfg: MonitoringConfig, alert: string): Link[] => [{ title: `Runbook: ${alert}`, url: runbookUrl(cfg, alert) }];

interface Common {
  title: string;
  description: string;
  unit: string;
  width?: number;
  height?: number;
  /** Required: a panel without an alert line passes NO_LIMIT, never Grafana's default steps. */
  thresholds: dashboard.Threshold[];
  /** 0 for counts: payments and restarts are whole numbers. */
  decimals?: number;
  /** Shown instead of an empty panel, e.g. "no calls" when a ratio has nothing to divide. */
  noValue?: string;
  links?: Link[];
  min?: number;
  max?: number;
}

export interface PromPanel extends Common {
  queries: Query[];
}

const REF_IDS = 'ABCDEFGHIJ';

/** No alert reads this panel: one neutral step, so nothing turns red at an arbitrary value. */
export const NO_LIMIT: dashboard.Threshold[] = [{ value: null, color: 'text' }];
const isNeutral = (t: dashboard.Threshold[]) => t.length === 1 && t[0]!.color === 'text';

/** Green until `limit`, red from it: for values that must stay low. */
export const redAbove = (limit: number): dashboard.Threshold[] => [
  { value: null, color: 'green' },
  { value: limit, color: 'red' },
];

/** Red under `limit`, green from it: for ratios that must stay high. */
export const redBelow = (limit: number): dashboard.Threshold[] => [
  { value: null, color: 'red' },
  { value: limit, color: 'green' },
];

function targets(queries: Query[]): prometheus.DataqueryBuilder[] {
  return queries.map((q, i) => {
    const b = new prometheus.DataqueryBuilder().datasource(PROM_DS).refId(REF_IDS[i]!).expr(q.expr).legendFormat(q.legend).editorMode(prometheus.QueryEditorMode.Code);
    return q.instant ? b.instant().format(prometheus.PromQueryFormat.Table) : b.range();
  });
}

function links(list: Link[] | undefined): dashboard.DashboardLinkBuilder[] {
  return (list ?? []).map((l) => new dashboard.DashboardLinkBuilder(l.title).url(l.url).targetBlank(true));
}

type AnyPanel = timeseries.PanelBuilder | stat.PanelBuilder | table.PanelBuilder;

function decorate<P extends AnyPanel>(p: P, c: Common): P {
  p.title(c.title)
    .description(c.description)
    .unit(c.unit)
    .height(c.height ?? 8)
    .span(c.width ?? 12);
  p.thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(c.thresholds));
  if (c.decimals !== undefined) p.decimals(c.decimals);
  if (c.noValue !== undefined) p.noValue(c.noValue);
  if (c.links?.length) p.links(links(c.links));
  if (c.min !== undefined) p.min(c.min);
  if (c.max !== undefined) p.max(c.max);
  return p;
}

export function timeseriesPanel(spec: PromPanel & { stack?: boolean }): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .datasource(PROM_DS)
    .targets(targets(spec.queries))
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['mean', 'max', 'lastNotNull']),
    )
    .fillOpacity(10)
    .lineWidth(1);
  if (!isNeutral(spec.thresholds)) {
    p.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  }
  if (spec.stack) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  return decorate(p, spec);
}

export function statPanel(spec: PromPanel): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .datasource(PROM_DS)
    .targets(targets(spec.queries))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    // Background colour only where a threshold means something; counts stay plain.
    .colorMode(isNeutral(spec.thresholds) ? common.BigValueColorMode.None : common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.Area);
  return decorate(p, { height: 5, width: 6, ...spec });
}

export function tablePanel(spec: PromPanel): table.PanelBuilder {
  const p = new table.PanelBuilder().datasource(PROM_DS).targets(targets(spec.queries));
  return decorate(p, spec);
}

export interface SqlPanel extends Common {
  sql: string;
  format: SqlDataquery['format'];
}

export function sqlPanel(spec: SqlPanel & { kind: 'timeseries' | 'table' }): timeseries.PanelBuilder | table.PanelBuilder {
  const q: cog.Builder<cog.Dataquery> = new SqlQueryBuilder(PG_DS, spec.sql, spec.format);
  const p = spec.kind === 'table' ? new table.PanelBuilder() : new timeseries.PanelBuilder();
  p.datasource(PG_DS).withTarget(q);
  return decorate(p, spec);
}

/**
 * Grafana's alert list, filtered to this service's alerts (Prometheus rules included): the SDK has
 * no builder for it, so this one writes the panel model the alertlist plugin reads.
 */
export class AlertListPanelBuilder implements cog.Builder<dashboard.Panel> {
  constructor(private readonly spec: { title: string; description: string; service: string; width?: number; height?: number }) {}

  build(): dashboard.Panel {
    return {
      type: 'alertlist',
      title: this.spec.title,
      description: this.spec.description,
      gridPos: { h: this.spec.height ?? 5, w: this.spec.width ?? 8, x: 0, y: 0 },
      options: {
        viewMode: 'list',
        groupMode: 'default',
        groupBy: [],
        maxItems: 20,
        sortOrder: 1,
        dashboardAlerts: false,
        alertName: '',
        alertInstanceLabelFilter: `{service="${this.spec.service}", namespace=~"$namespace"}`,
        datasource: 'Prometheus',
        stateFilter: { firing: true, pending: true, noData: false, normal: false, error: true },
      },
    };
  }
}
