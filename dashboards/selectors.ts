/** Label matchers the dashboards filter by, from the template variables. */
import type { MonitoringConfig } from '../alerts/config.ts';
import { eq, re } from '../alerts/promql.ts';

export const ns = re('namespace', '$namespace');
export const net = re('network', '$network');
export const job = (cfg: MonitoringConfig): string => eq('job', cfg.job);
/** The gateway in the selected environment. */
export const gw = (cfg: MonitoringConfig): string[] => [job(cfg), ns];
export const RATE = '$__rate_interval';
