/**
 * Where a notification sends a person: the dashboard of each component. The uids are fixed here,
 * not in dashboards/, so alert annotations can name them without importing the dashboard builders.
 */
import type { MonitoringConfig } from './config.ts';

export const DASHBOARD_UIDS = {
  payments: 'feexpay-payments',
  api: 'feexpay-api',
  infra: 'feexpay-infrastructure',
  database: 'feexpay-payments-database',
} as const;

/** `monitoring`: the alerting pipeline itself (the heartbeat), never a symptom any inhibition mutes. */
export type Component = 'payments' | 'feexpay' | 'api' | 'service' | 'infra' | 'monitoring';

/** The dashboard an alert of `component` is read on. */
const BOARD_OF: Record<Component, keyof typeof DASHBOARD_UIDS> = {
  payments: 'payments',
  feexpay: 'payments',
  api: 'api',
  service: 'api',
  infra: 'infra',
  monitoring: 'infra',
};

export function dashboardUrl(cfg: MonitoringConfig, board: keyof typeof DASHBOARD_UIDS): string {
  return `${cfg.externalUrls.grafana}/d/${DASHBOARD_UIDS[board]}`;
}

export function componentDashboardUrl(cfg: MonitoringConfig, component: Component): string {
  return dashboardUrl(cfg, BOARD_OF[component]);
}
