/**
 * prometheus.yml for the local docker-compose stack: scrape the service and its exporters, load
 * the generated rule files next to it, send alerts to the compose Alertmanager.
 */
import { monitoringConfig, type MonitoringConfig } from './config.ts';
import { toYaml } from './yaml.ts';

/** Compose service names and ports; the compose file must use the same names. */
export const LOCAL_TARGETS = {
  api: 'api:3000',
  postgres: 'postgres-exporter:9187',
  redis: 'redis-exporter:9121',
  node: 'node-exporter:9100',
  alertmanager: 'alertmanager:9093',
} as const;

function job(name: string, target: string, extra: Record<string, unknown> = {}) {
  return { job_name: name, ...extra, static_configs: [{ targets: [target] }] };
}

export function buildPrometheusConfig(ruleFiles: readonly string[], cfg: MonitoringConfig = monitoringConfig): Record<string, unknown> {
  return {
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    // Relative paths resolve against this file's directory, where synth writes the rule files.
    rule_files: [...ruleFiles].sort(),
    alerting: { alertmanagers: [{ static_configs: [{ targets: [LOCAL_TARGETS.alertmanager] }] }] },
    scrape_configs: [
      job(cfg.job, LOCAL_TARGETS.api, { metrics_path: '/metrics' }),
      job(cfg.exporterJobs.postgres, LOCAL_TARGETS.postgres),
      job(cfg.exporterJobs.redis, LOCAL_TARGETS.redis),
      job(cfg.exporterJobs.node, LOCAL_TARGETS.node),
      job('alertmanager', LOCAL_TARGETS.alertmanager),
      job('prometheus', 'localhost:9090'),
    ],
  };
}

export function buildPrometheusYaml(ruleFiles: readonly string[], cfg: MonitoringConfig = monitoringConfig): string {
  return toYaml(buildPrometheusConfig(ruleFiles, cfg));
}
