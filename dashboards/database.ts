/**
 * The payments database read straight, for questions metrics cannot answer. Its own dashboard
 * with PostgreSQL as its only datasource: the queries hit the primary, so they run when someone
 * opens this page, not on every load of the payments dashboard.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MonitoringConfig } from '../alerts/config.ts';
import { DASHBOARD_UIDS } from '../alerts/links.ts';
import { finish, sqlDashboard } from './layout.ts';
import { sqlPanels } from './sql-panels.ts';

export const DATABASE_UID = DASHBOARD_UIDS.database;

export function databaseDashboard(cfg: MonitoringConfig): dashboard.Dashboard {
  return finish(
    sqlDashboard(cfg, {
      uid: DATABASE_UID,
      title: 'FeexPay / Payments database',
      description: 'Payments counted in PostgreSQL: per day by status, status shares, totals per currency, latest failures. No customer data.',
    }).withRow(sqlPanels()),
  );
}
