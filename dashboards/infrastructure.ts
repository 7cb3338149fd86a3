/** What the gateway runs on: PostgreSQL, Redis, disks and the Kubernetes pods, per instance. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { externalMetrics as x, serviceMetrics } from '../src/metrics/catalog.ts';
import { pct } from '../alerts/alert.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { DASHBOARD_UIDS } from '../alerts/links.ts';
import { eq, re, sel } from '../alerts/promql.ts';
import { baseDashboard, finish } from './layout.ts';
import { NO_LIMIT, redAbove, redBelow, runbook, statPanel, timeseriesPanel } from './panels.ts';
import { exporter, gw, INSTANCE_VAR, JOB_VAR, ns, RATE } from './selectors.ts';

export const INFRA_UID = DASHBOARD_UIDS.infra;

/**
 * Every PostgreSQL panel is per exporter instance (one database server each): a sum over two
 * scraped servers would show 0.24 where each server, and the per-instance alert, says 0.12.
 */
function postgres(cfg: MonitoringConfig): dashboard.RowBuilder {
  const pg = exporter(cfg, 'postgres');
  const limit = cfg.infra.postgresConnections.threshold;
  return new dashboard.RowBuilder('PostgreSQL')
    .withPanel(
      statPanel({
        title: 'PostgreSQL reachable',
        description: 'pg_up from postgres_exporter, per server: 1 when the exporter reaches the database (red at 0).',
        unit: 'bool_yes_no',
        thresholds: redBelow(1),
        links: runbook(cfg, 'FeexPayPostgresDown'),
        queries: [{ expr: `min by (instance) (${sel(x.pgUp.name, ...pg)})`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Connections used',
        description: `Connections in use over max_connections, per server; the alert fires above ${pct(limit)}.`,
        unit: 'percentunit',
        thresholds: redAbove(limit),
        links: runbook(cfg, 'FeexPayPostgresConnectionsHigh'),
        queries: [
          { expr: `sum by (instance) (${sel(x.pgConnections.name, ...pg)})\n/ on (instance)\nmax by (instance) (${sel(x.pgMaxConnections.name, ...pg)})`, legend: '{{instance}}' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Connections by state',
        description: 'PostgreSQL connections by state, and the max_connections setting, per server.',
        unit: 'short',
        decimals: 0,
        width: 6,
        thresholds: NO_LIMIT,
        queries: [
          { expr: `sum by (instance, state) (${sel(x.pgConnections.name, ...pg)})`, legend: '{{instance}} {{state}}' },
          { expr: `max by (instance) (${sel(x.pgMaxConnections.name, ...pg)})`, legend: '{{instance}} max_connections' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Transactions and deadlocks',
        description: 'Commits per second and deadlocks per second, per server and database.',
        unit: 'ops',
        width: 6,
        thresholds: NO_LIMIT,
        queries: [
          { expr: `sum by (instance, datname) (rate(${sel(x.pgCommits.name, ...pg)}[${RATE}]))`, legend: 'commits {{instance}} {{datname}}' },
          { expr: `sum by (instance, datname) (rate(${sel(x.pgDeadlocks.name, ...pg)}[${RATE}]))`, legend: 'deadlocks {{instance}} {{datname}}' },
        ],
      }),
    );
}

function redis(cfg: MonitoringConfig): dashboard.RowBuilder {
  const r = exporter(cfg, 'redis');
  const limit = cfg.infra.redisMemory.threshold;
  return new dashboard.RowBuilder('Redis')
    .withPanel(
      statPanel({
        title: 'Redis reachable',
        description: 'redis_up from redis_exporter, per instance: 1 when the exporter reaches Redis (red at 0).',
        unit: 'bool_yes_no',
        thresholds: redBelow(1),
        links: runbook(cfg, 'FeexPayRedisDown'),
        queries: [{ expr: `min by (instance) (${sel(x.redisUp.name, ...r)})`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Redis memory against maxmemory',
        description: `Used memory over maxmemory; the alert fires above ${pct(limit)}. Empty when maxmemory is unset, which FeexPayRedisMaxmemoryUnset reports.`,
        unit: 'percentunit',
        max: 1,
        thresholds: redAbove(limit),
        width: 9,
        links: runbook(cfg, 'FeexPayRedisMemoryHigh'),
        queries: [{ expr: `${sel(x.redisMemoryUsed.name, ...r)} / (${sel(x.redisMemoryMax.name, ...r)} > 0)`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Redis memory used',
        description: 'Bytes used by Redis, and its maxmemory setting (0 = unlimited).',
        unit: 'bytes',
        width: 9,
        thresholds: NO_LIMIT,
        links: runbook(cfg, 'FeexPayRedisMaxmemoryUnset'),
        queries: [
          { expr: `sum by (instance) (${sel(x.redisMemoryUsed.name, ...r)})`, legend: 'used {{instance}}' },
          { expr: `sum by (instance) (${sel(x.redisMemoryMax.name, ...r)})`, legend: 'max {{instance}}' },
        ],
      }),
    );
}

function disks(cfg: MonitoringConfig): dashboard.RowBuilder {
  const limit = cfg.infra.logDisk.threshold;
  const claims = [...exporter(cfg, 'kubelet'), ns, re('persistentvolumeclaim', cfg.infra.volumeDisk.claimPattern)];
  const node = [...exporter(cfg, 'node'), re('fstype', 'ext4|xfs|btrfs')];
  return new dashboard.RowBuilder('Disks')
    .withPanel(
      timeseriesPanel({
        title: 'Log filesystem usage',
        description: `Used fraction of the filesystem holding LOG_DIR, per instance; the alert fires above ${pct(limit)}.`,
        unit: 'percentunit',
        max: 1,
        thresholds: redAbove(limit),
        width: 8,
        links: runbook(cfg, 'FeexPayLogDiskAlmostFull'),
        queries: [{ expr: `max by (instance) (${sel(serviceMetrics.logDiskUsage.name, ...gw(cfg))})`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Persistent volume usage',
        description: `Used fraction of the service's persistent volumes (kubelet); the alert fires above ${pct(cfg.infra.volumeDisk.threshold)}.`,
        unit: 'percentunit',
        max: 1,
        thresholds: redAbove(cfg.infra.volumeDisk.threshold),
        width: 8,
        links: runbook(cfg, 'FeexPayVolumeAlmostFull'),
        queries: [{ expr: `${sel(x.kubeletVolumeUsed.name, ...claims)}\n/\n${sel(x.kubeletVolumeCapacity.name, ...claims)}`, legend: '{{persistentvolumeclaim}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Node filesystems',
        description: `Used fraction of the real filesystems of the nodes (node_exporter, job ${cfg.exporterJobs.node}); dashed at ${pct(limit)}, the log disk's limit.`,
        unit: 'percentunit',
        max: 1,
        width: 8,
        thresholds: redAbove(limit),
        queries: [{ expr: `1 - ${sel(x.nodeFsAvail.name, ...node)}\n/\n${sel(x.nodeFsSize.name, ...node)}`, legend: '{{instance}} {{mountpoint}}' }],
      }),
    );
}

function pods(cfg: MonitoringConfig): dashboard.RowBuilder {
  const deployment = [...exporter(cfg, 'kubeStateMetrics'), ns, eq('deployment', cfg.service)];
  const targets = [re('job', [cfg.job, ...new Set(Object.values(cfg.exporterJobs))].sort().join('|')), JOB_VAR, INSTANCE_VAR];
  return new dashboard.RowBuilder('Pods and targets')
    .withPanel(
      timeseriesPanel({
        title: 'Replicas available and desired',
        description: 'Available against desired replicas of the gateway Deployment (kube-state-metrics).',
        unit: 'short',
        decimals: 0,
        width: 8,
        thresholds: NO_LIMIT,
        queries: [
          { expr: `sum by (namespace) (${sel(x.kubeDeploymentAvailable.name, ...deployment)})`, legend: 'available {{namespace}}' },
          { expr: `sum by (namespace) (${sel(x.kubeDeploymentDesired.name, ...deployment)})`, legend: 'desired {{namespace}}' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Container restarts',
        description: `Container restarts of gateway pods over the last hour; red above ${cfg.health.restarts.maxRestarts}.`,
        unit: 'short',
        decimals: 0,
        width: 8,
        thresholds: redAbove(cfg.health.restarts.maxRestarts + 1),
        queries: [
          { expr: `sum by (pod) (increase(${sel(x.kubePodRestarts.name, ...exporter(cfg, 'kubeStateMetrics'), ns, re('pod', `${cfg.service}-.*`))}[1h]))`, legend: '{{pod}}' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Scrape targets up',
        description: 'Whether Prometheus scrapes the gateway and each exporter target (1 = up, red at 0).',
        unit: 'short',
        decimals: 0,
        width: 8,
        thresholds: redBelow(1),
        links: runbook(cfg, 'FeexPayExporterDown'),
        queries: [{ expr: `min by (job, instance) (${sel(x.up.name, ...targets)})`, legend: '{{job}} {{instance}}' }],
      }),
    );
}

export function infrastructureDashboard(cfg: MonitoringConfig): dashboard.Dashboard {
  return finish(
    baseDashboard(cfg, {
      uid: INFRA_UID,
      title: 'FeexPay / Infrastructure',
      description: 'PostgreSQL, Redis, disks and pods behind the FeexPay gateway, per server and target.',
      jobs: [cfg.job, ...Object.values(cfg.exporterJobs)],
    })
      .withRow(postgres(cfg))
      .withRow(redis(cfg))
      .withRow(disks(cfg))
      .withRow(pods(cfg)),
  );
}
