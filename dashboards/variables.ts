/**
 * Template variables the dashboards share: which Prometheus (or PostgreSQL) to read, which
 * environment (Kubernetes namespace), jobs and replicas, and which mobile-money networks. Panels only ever name a
 * datasource through these, so one JSON works in every Grafana.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { externalMetrics } from '../src/metrics/catalog.ts';
import { PAYMENT_NETWORKS } from '../src/domain/networks.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { eq, re, sel } from '../alerts/promql.ts';

/** Each dashboard has one datasource variable, named and labelled as the dashboard linter expects. */
export const DS_VARIABLE = 'datasource';
export const PROM_DS: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
export const PG_DS: DataSourceRef = { type: 'grafana-postgresql-datasource', uid: '${datasource}' };

const ALL = { selected: true, text: 'All', value: '$__all' };

export function prometheusDatasource(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DS_VARIABLE).label('Data source').type('prometheus').description('Prometheus holding the FeexPay gateway series.');
}

export function postgresDatasource(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DS_VARIABLE)
    .label('Data source')
    .type('grafana-postgresql-datasource')
    .description('Read-only PostgreSQL connection to the payments database.');
}

/** `up{job=~"a|b"}`: the scrape jobs a dashboard reads, the universe of its job and instance variables. */
const upOf = (jobs: readonly string[], ...extra: string[]) => sel(externalMetrics.up.name, re('job', [...jobs].sort().join('|')), ...extra);

/** Narrows panels to some of the dashboard's jobs; each selector stays pinned to its own job. */
export function jobVariable(jobs: readonly string[]): dashboard.QueryVariableBuilder {
  const query = `label_values(${upOf(jobs)}, job)`;
  return new dashboard.QueryVariableBuilder('job')
    .label('Job')
    .description('Prometheus job: the gateway and the exporters this dashboard reads.')
    .datasource(PROM_DS)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+')
    .current(ALL);
}

/** Per-replica drill-down: one gateway pod (or exporter target) at a time, or all of them. */
export function instanceVariable(jobs: readonly string[]): dashboard.QueryVariableBuilder {
  const query = `label_values(${upOf(jobs, re('job', '$job'))}, instance)`;
  return new dashboard.QueryVariableBuilder('instance')
    .label('Instance')
    .description('Scrape target (a gateway replica or an exporter) to drill into; All sums or lists every one.')
    .datasource(PROM_DS)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+')
    .current(ALL);
}

/**
 * Environment = Kubernetes namespace. Under docker-compose there is no namespace label; the
 * `.*` all-value matches the empty label too, so every query still works there.
 */
export function namespaceVariable(cfg: MonitoringConfig): dashboard.QueryVariableBuilder {
  const query = `label_values(${sel(externalMetrics.up.name, eq('job', cfg.job))}, namespace)`;
  return new dashboard.QueryVariableBuilder('namespace')
    .label('Environment')
    .description('Kubernetes namespace the gateway runs in (staging, production).')
    .datasource(PROM_DS)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .includeAll(true)
    .allValue('.*')
    .current(ALL);
}

/** The operator list is the catalog's own label set: no query, no drift from the service. */
export function networkVariable(): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder('network')
    .label('Network')
    .description('Mobile-money network (operator), or card.')
    .values(PAYMENT_NETWORKS.join(','))
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current(ALL);
}
