/**
 * Template variables every dashboard shares: which Prometheus and PostgreSQL to read, which
 * environment (Kubernetes namespace) and which mobile-money networks. Panels only ever name a
 * datasource through these, so one JSON works in every Grafana.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { externalMetrics } from '../src/metrics/catalog.ts';
import { PAYMENT_NETWORKS } from '../src/domain/networks.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { eq, sel } from '../alerts/promql.ts';

export const PROM_DS: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
export const PG_DS: DataSourceRef = { type: 'grafana-postgresql-datasource', uid: '${pg_datasource}' };

const ALL = { selected: true, text: 'All', value: '$__all' };

export function prometheusDatasource(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Prometheus')
    .type('prometheus')
    .description('Prometheus holding the FeexPay gateway series.');
}

export function postgresDatasource(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('pg_datasource')
    .label('PostgreSQL')
    .type('grafana-postgresql-datasource')
    .description('Read-only PostgreSQL connection to the payments database.');
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
    .description('Mobile-money network (operator).')
    .values(PAYMENT_NETWORKS.join(','))
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current(ALL);
}
