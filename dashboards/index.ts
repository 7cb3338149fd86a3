/**
 * Public surface of dashboards/: pure builders, no I/O. synth.ts writes them to dist/grafana;
 * k8s/ wraps the same objects in ConfigMaps for Grafana's sidecar.
 */
import { monitoringConfig, type MonitoringConfig } from '../alerts/config.ts';
import { apiDashboard, API_UID } from './api.ts';
import { databaseDashboard, DATABASE_UID } from './database.ts';
import { infrastructureDashboard, INFRA_UID } from './infrastructure.ts';
import { paymentsDashboard, PAYMENTS_UID } from './payments.ts';

export { API_UID, DATABASE_UID, INFRA_UID, PAYMENTS_UID };
export { SQL } from './sql-panels.ts';

/**
 * File name -> dashboard JSON model. Round-tripped through JSON so callers get plain data (the
 * SDK's query objects carry a marker method that JSON drops anyway).
 */
export function buildDashboards(cfg: MonitoringConfig = monitoringConfig): Record<string, object> {
  const boards = {
    [`${PAYMENTS_UID}.json`]: paymentsDashboard(cfg),
    [`${API_UID}.json`]: apiDashboard(cfg),
    [`${INFRA_UID}.json`]: infrastructureDashboard(cfg),
    [`${DATABASE_UID}.json`]: databaseDashboard(cfg),
  };
  return JSON.parse(JSON.stringify(boards)) as Record<string, object>;
}
