/** What the gateway runs on: PostgreSQL, Redis, disks and the Kubernetes pods. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { externalMetrics as x, serviceMetrics } from '../src/metrics/catalog.ts';
import { pct } from '../alerts/alert.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { eq, re, sel } from '../alerts/promql.ts';
import { baseDashboard, finish } from './layout.ts';
import { redAbove, redBelow, runbook, statPanel, timeseriesPanel } from './panels.ts';
import { gw, ns, RATE } from './selectors.ts';

export const INFRA_UID = 'feexpay-infrastructure';

function postgres(cfg: MonitoringConfig): dashboard.RowBuilder {
  const pg = eq('job', cfg.exporterJobs.postgres);
  const limit = cfg.infra.postgresConnections.threshold;
  return new dashboard.RowBuilder('PostgreSQL')
    .withPanel(statPanel({
      title: 'PostgreSQL reachable', description: 'pg_up from postgres_exporter: 1 when the exporter reaches the database.', unit: 'bool_yes_no',
      thresholds: redBelow(1), links: runbook(cfg, 'FeexPayPostgresDown'),
      queries: [{ expr: `min(${sel(x.pgUp.name, pg)})`, legend: 'up' }],
    }))
    .withPanel(statPanel({
      title: 'Connections used', description: `Connections in use over max_connections; the alert fires above ${pct(limit)}.`, unit: 'percentunit',
      thresholds: redAbove(limit), links: runbook(cfg, 'FeexPayPostgresConnectionsHigh'),
      queries: [{ expr: `sum(${sel(x.pgConnections.name, pg)}) / max(${sel(x.pgMaxConnections.name, pg)})`, legend: 'used' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Connections by state', description: 'PostgreSQL connections by state, and the max_connections setting.', unit: 'short',
      queries: [
        { expr: `sum by (state) (${sel(x.pgConnections.name, pg)})`, legend: '{{state}}' },
        { expr: `max(${sel(x.pgMaxConnections.name, pg)})`, legend: 'max_connections' },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: 'Transactions and deadlocks', description: 'Commits per second and deadlocks per second, per database.', unit: 'ops',
      queries: [
        { expr: `sum by (datname) (rate(${sel(x.pgCommits.name, pg)}[${RATE}]))`, legend: 'commits {{datname}}' },
        { expr: `sum by (datname) (rate(${sel(x.pgDeadlocks.name, pg)}[${RATE}]))`, legend: 'deadlocks {{datname}}' },
      ],
    }));
}

function redis(cfg: MonitoringConfig): dashboard.RowBuilder {
  const r = eq('job', cfg.exporterJobs.redis);
  const limit = cfg.infra.redisMemory.threshold;
  return new dashboard.RowBuilder('Redis')
    .withPanel(statPanel({
      title: 'Redis reachable', description: 'redis_up from redis_exporter: 1 when the exporter reaches Redis.', unit: 'bool_yes_no',
      thresholds: redBelow(1), links: runbook(cfg, 'FeexPayRedisDown'),
      queries: [{ expr: `min(${sel(x.redisUp.name, r)})`, legend: 'up' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Redis memory against maxmemory', description: `Used memory over maxmemory; the alert fires above ${pct(limit)}. Empty when maxmemory is unset.`,
      unit: 'percentunit', max: 1, thresholds: redAbove(limit), width: 9, links: runbook(cfg, 'FeexPayRedisMemoryHigh'),
      queries: [{ expr: `${sel(x.redisMemoryUsed.name, r)} / (${sel(x.redisMemoryMax.name, r)} > 0)`, legend: '{{instance}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Redis memory used', description: 'Bytes used by Redis, and its maxmemory setting.', unit: 'bytes', width: 9,
      queries: [
        { expr: `sum by (instance) (${sel(x.redisMemoryUsed.name, r)})`, legend: 'used {{instance}}' },
        { expr: `sum by (instance) (${sel(x.redisMemoryMax.name, r)})`, legend: 'max {{instance}}' },
      ],
    }));
}

function disks(cfg: MonitoringConfig): dashboard.RowBuilder {
  const limit = cfg.infra.logDisk.threshold;
  const claims = re('persistentvolumeclaim', cfg.infra.volumeDisk.claimPattern);
  const node = [eq('job', cfg.exporterJobs.node), re('fstype', 'ext4|xfs|btrfs')];
  return new dashboard.RowBuilder('Disks')
    .withPanel(timeseriesPanel({
      title: 'Log filesystem usage', description: `Used fraction of the filesystem holding LOG_DIR, per instance; the alert fires above ${pct(limit)}.`,
      unit: 'percentunit', max: 1, thresholds: redAbove(limit), width: 8, links: runbook(cfg, 'FeexPayLogDiskAlmostFull'),
      queries: [{ expr: `max by (instance) (${sel(serviceMetrics.logDiskUsage.name, ...gw(cfg))})`, legend: '{{instance}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Persistent volume usage', description: `Used fraction of the service's persistent volumes (kubelet); the alert fires above ${pct(cfg.infra.volumeDisk.threshold)}.`,
      unit: 'percentunit', max: 1, thresholds: redAbove(cfg.infra.volumeDisk.threshold), width: 8, links: runbook(cfg, 'FeexPayVolumeAlmostFull'),
      queries: [{ expr: `${sel(x.kubeletVolumeUsed.name, ns, claims)}\n/\n${sel(x.kubeletVolumeCapacity.name, ns, claims)}`, legend: '{{persistentvolumeclaim}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Node filesystems', description: 'Used fraction of the real filesystems of the nodes (node_exporter).', unit: 'percentunit', max: 1, width: 8,
      thresholds: redAbove(limit),
      queries: [{ expr: `1 - ${sel(x.nodeFsAvail.name, ...node)}\n/\n${sel(x.nodeFsSize.name, ...node)}`, legend: '{{instance}} {{mountpoint}}' }],
    }));
}

function pods(cfg: MonitoringConfig): dashboard.RowBuilder {
  const deployment = [ns, eq('deployment', cfg.service)];
  const targets = re('job', [cfg.job, ...Object.values(cfg.exporterJobs)].sort().join('|'));
  return new dashboard.RowBuilder('Pods and targets')
    .withPanel(timeseriesPanel({
      title: 'Replicas available and desired', description: 'Available against desired replicas of the gateway Deployment (kube-state-metrics).', unit: 'short', width: 8,
      queries: [
        { expr: `sum by (namespace) (${sel(x.kubeDeploymentAvailable.name, ...deployment)})`, legend: 'available {{namespace}}' },
        { expr: `sum by (namespace) (${sel(x.kubeDeploymentDesired.name, ...deployment)})`, legend: 'desired {{namespace}}' },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: 'Container restarts', description: 'Container restarts of gateway pods over the last hour.', unit: 'short', width: 8,
      queries: [{ expr: `sum by (pod) (increase(${sel(x.kubePodRestarts.name, ns, re('pod', `${cfg.service}-.*`))}[1h]))`, legend: '{{pod}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Scrape targets up', description: 'Whether Prometheus scrapes the gateway and each exporter (1 = up).', unit: 'short', width: 8,
      thresholds: redBelow(1), links: runbook(cfg, 'FeexPayGatewayDown'),
      queries: [{ expr: `min by (job) (${sel(x.up.name, targets)})`, legend: '{{job}}' }],
    }));
}

export function infrastructureDashboard(cfg: MonitoringConfig): dashboard.Dashboard {
  return finish(
    baseDashboard(cfg, {
      uid: INFRA_UID,
      title: 'FeexPay / Infrastructure',
      description: 'PostgreSQL, Redis, disks and pods behind the FeexPay gateway.',
    })
      .withRow(postgres(cfg))
      .withRow(redis(cfg))
      .withRow(disks(cfg))
      .withRow(pods(cfg)),
  );
}
