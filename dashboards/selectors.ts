/**
 * Label matchers the dashboards filter by. Every selector carries `job=~"$job"` and
 * `instance=~"$instance"` (the per-replica drill-down the dashboard linter asks for) on top of the
 * job it is pinned to, so "All" (`.+`) never lets another team's series into a panel.
 */
import type { ExporterJobs, MonitoringConfig } from '../alerts/config.ts';
import { eq, re } from '../alerts/promql.ts';

export const ns = re('namespace', '$namespace');
export const net = re('network', '$network');
export const JOB_VAR = re('job', '$job');
export const INSTANCE_VAR = re('instance', '$instance');
export const job = (cfg: MonitoringConfig): string => eq('job', cfg.job);
/** The gateway in the selected environment and replicas. */
export const gw = (cfg: MonitoringConfig): string[] => [job(cfg), ns, JOB_VAR, INSTANCE_VAR];
/** An exporter's series under its configured job, narrowed by the job and instance variables. */
export const exporter = (cfg: MonitoringConfig, key: keyof ExporterJobs): string[] => [eq('job', cfg.exporterJobs[key]), JOB_VAR, INSTANCE_VAR];
export const RATE = '$__rate_interval';
