/**
 * Panel constructors with the house rules built in: every panel has a title, a description, a
 * unit and a datasource variable; thresholds come from the alert configuration so the line on
 * the graph is the line that pages.
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
  thresholds?: dashboard.Threshold[];
  links?: Link[];
  min?: number;
  max?: number;
}

export interface PromPanel extends Common {
  queries: Query[];
}

const REF_IDS = 'ABCDEFGHIJ';

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
    const b = new prometheus.DataqueryBuilder()
      .datasource(PROM_DS)
      .refId(REF_IDS[i]!)
      .expr(q.expr)
      .legendFormat(q.legend)
      .editorMode(prometheus.QueryEditorMode.Code);
    return q.instant ? b.instant().format(prometheus.PromQueryFormat.Table) : b.range();
  });
}

function links(list: Link[] | undefined): dashboard.DashboardLinkBuilder[] {
  return (list ?? []).map((l) => new dashboard.DashboardLinkBuilder(l.title).url(l.url).targetBlank(true));
}

type AnyPanel = timeseries.PanelBuilder | stat.PanelBuilder | table.PanelBuilder;

function decorate<P extends AnyPanel>(p: P, c: Common): P {
  p.title(c.title).description(c.description).unit(c.unit).height(c.height ?? 8).span(c.width ?? 12);
  if (c.thresholds) {
    p.thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(c.thresholds));
  }
  if (c.links?.length) p.links(links(c.links));
  if (c.min !== undefined) p.min(c.min);
  if (c.max !== undefined) p.max(c.max);
  return p;
}

export function timeseriesPanel(spec: PromPanel & { stack?: boolean }): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .datasource(PROM_DS)
    .targets(targets(spec.queries))
    .legend(new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).showLegend(true).calcs(['mean', 'max', 'lastNotNull']))
    .fillOpacity(10)
    .lineWidth(1);
  if (spec.thresholds) {
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
    .colorMode(common.BigValueColorMode.Background)
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
