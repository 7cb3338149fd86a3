/** The service's own health (scraped, up, stable) and what it runs on (PostgreSQL, Redis, disks). */
import { externalMetrics, runtimeMetrics, serviceMetrics } from '../../src/metrics/catalog.ts';
import { alert, pct } from '../alert.ts';
import { EXPORTERS_RULES_READ, KUBERNETES_ONLY_EXPORTERS, type MonitoringConfig } from '../config.ts';
import { eq, num, re, sel, series } from '../promql.ts';
import type { AlertingRule } from '../types.ts';

const up = series(externalMetrics.up);

export function serviceHealthAlerts(cfg: MonitoringConfig): AlertingRule[] {
  const h = cfg.health;
  const exporters = [...new Set(Object.values(cfg.exporterJobs))].sort();
  const deployment = [eq('job', cfg.exporterJobs.kubeStateMetrics), eq('deployment', cfg.service)];
  return [
    alert(cfg, {
      name: 'FeexPayGatewayDown',
      knobs: h.down,
      component: 'service',
      expr: `${sel(up, eq('job', cfg.job))} == 0`,
      summary: 'A FeexPay gateway instance does not answer its metrics scrape.',
      description: `Prometheus could not scrape {{ $labels.instance }} of job {{ $labels.job }} for ${h.down.for}.`,
    }),
    alert(cfg, {
      name: 'FeexPayGatewayAbsent',
      knobs: h.absent,
      component: 'service',
      // No target at all (deleted Deployment, broken service discovery) leaves `up` absent, not 0.
      expr: `absent(${sel(up, eq('job', cfg.job))})`,
      summary: 'Prometheus has no FeexPay gateway target to scrape.',
      description: `No series of up{job="{{ $labels.job }}"} for ${h.absent.for}: the service is gone or no longer discovered.`,
    }),
    alert(cfg, {
      name: 'FeexPayGatewayNoReplicaAvailable',
      knobs: h.noReplicaAvailable,
      component: 'service',
      expr:
        `${sel(series(externalMetrics.kubeDeploymentAvailable), ...deployment)} == 0\n` +
        `and on (namespace, deployment)\n${sel(series(externalMetrics.kubeDeploymentDesired), ...deployment)} > 0`,
      summary: 'The FeexPay gateway Deployment has no replica available: the Service has no endpoint.',
      description:
        `{{ $labels.deployment }} in {{ $labels.namespace }} wants replicas and has none available for ${h.noReplicaAvailable.for}: ` +
        `clients and FeexPay's webhooks get the proxy's error, while each pod may still answer its metrics scrape.`,
    }),
    alert(cfg, {
      name: 'FeexPayGatewayRestarting',
      knobs: h.restarts,
      component: 'service',
      expr: `changes(${sel(series(runtimeMetrics.startTime), eq('job', cfg.job))}[${h.restarts.window}]) > ${num(h.restarts.maxRestarts)}`,
      summary: 'A FeexPay gateway instance keeps restarting.',
      description: `{{ $labels.instance }} of job {{ $labels.job }} restarted {{ $value }} times in the last ${h.restarts.window} (limit ${h.restarts.maxRestarts}).`,
      measured: { value: '{{ $value }} restarts', threshold: `${h.restarts.maxRestarts} restarts in ${h.restarts.window}` },
    }),
    alert(cfg, {
      name: 'FeexPayExporterDown',
      knobs: h.exporterDown,
      component: 'infra',
      expr: `${sel(up, re('job', exporters.join('|')))} == 0`,
      summary: 'A metrics exporter the FeexPay gateway relies on is down.',
      description: `Prometheus could not scrape {{ $labels.instance }} of job {{ $labels.job }} for ${h.exporterDown.for}; its dashboards and alerts are blind.`,
    }),
    ...EXPORTERS_RULES_READ.map((key) =>
      alert(cfg, {
        name: 'FeexPayExporterAbsent',
        knobs: h.exporterAbsent,
        component: 'infra',
        labels: { exporter: key },
        // No target at all (exporter not deployed, ServiceMonitor not selected, job renamed)
        // leaves `up` absent rather than 0: every rule reading that exporter would stay quiet.
        expr:
          `absent(${sel(up, eq('job', cfg.exporterJobs[key]))})` +
          (KUBERNETES_ONLY_EXPORTERS.includes(key) ? `\nand on () count(${sel(up, eq('job', cfg.job), re('namespace', '.+'))}) > 0` : ''),
        summary: 'Prometheus scrapes no target of an exporter the FeexPay alerts read.',
        description:
          `No series of up{job="{{ $labels.job }}"} for ${h.exporterAbsent.for}: the alerts reading this exporter cannot fire. ` +
          `Deploy it, or set EXPORTER_JOB_* to the job name your Prometheus gives it.`,
      }),
    ),
  ];
}

export function infraAlerts(cfg: MonitoringConfig): AlertingRule[] {
  const i = cfg.infra;
  const redisJob = eq('job', cfg.exporterJobs.redis);
  const pgJob = eq('job', cfg.exporterJobs.postgres);
  const redisMax = sel(series(externalMetrics.redisMemoryMax), redisJob);
  const claims = [eq('job', cfg.exporterJobs.kubelet), re('persistentvolumeclaim', i.volumeDisk.claimPattern)];
  const used = sel(series(externalMetrics.kubeletVolumeUsed), ...claims);
  const capacity = sel(series(externalMetrics.kubeletVolumeCapacity), ...claims);
  return [
    alert(cfg, {
      name: 'FeexPayPostgresDown',
      knobs: i.postgresDown,
      component: 'infra',
      expr: `${sel(series(externalMetrics.pgUp), pgJob)} == 0`,
      summary: 'PostgreSQL is unreachable from its exporter.',
      description: `postgres_exporter {{ $labels.instance }} cannot reach PostgreSQL for ${i.postgresDown.for}; payments cannot be stored.`,
    }),
    alert(cfg, {
      name: 'FeexPayPostgresConnectionsHigh',
      knobs: i.postgresConnections,
      component: 'infra',
      expr:
        `sum by (job, instance) (${sel(series(externalMetrics.pgConnections), pgJob)})\n/ on (job, instance)\n` +
        `max by (job, instance) (${sel(series(externalMetrics.pgMaxConnections), pgJob)}) > ${num(i.postgresConnections.threshold)}`,
      summary: `PostgreSQL uses more than ${pct(i.postgresConnections.threshold)} of its connections.`,
      description: `PostgreSQL at {{ $labels.instance }} uses {{ $value | humanizePercentage }} of max_connections (limit ${pct(i.postgresConnections.threshold)}).`,
      measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(i.postgresConnections.threshold) },
    }),
    alert(cfg, {
      name: 'FeexPayRedisDown',
      knobs: i.redisDown,
      component: 'infra',
      expr: `${sel(series(externalMetrics.redisUp), redisJob)} == 0`,
      summary: 'Redis is unreachable from its exporter.',
      description: `redis_exporter {{ $labels.instance }} cannot reach Redis for ${i.redisDown.for}; shared rate limits are off.`,
    }),
    alert(cfg, {
      name: 'FeexPayRedisMemoryHigh',
      knobs: i.redisMemory,
      component: 'infra',
      // maxmemory 0 means unlimited: the ratio would be +Inf, so such an instance is left out.
      expr: `${sel(series(externalMetrics.redisMemoryUsed), redisJob)} / ${redisMax} > ${num(i.redisMemory.threshold)}\n` + `and ${redisMax} > 0`,
      summary: `Redis uses more than ${pct(i.redisMemory.threshold)} of its maxmemory.`,
      description: `Redis at {{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory (limit ${pct(i.redisMemory.threshold)}).`,
      measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(i.redisMemory.threshold) },
    }),
    alert(cfg, {
      name: 'FeexPayRedisMaxmemoryUnset',
      knobs: i.redisMaxmemoryUnset,
      component: 'infra',
      // Without maxmemory the memory alert above has nothing to compare with: it can never fire.
      expr: `${redisMax} == 0\nand on (job, instance) ${sel(series(externalMetrics.redisUp), redisJob)} == 1`,
      summary: 'Redis runs without a maxmemory limit, so its memory alert is blind.',
      description: `Redis at {{ $labels.instance }} reports maxmemory 0 (unlimited): FeexPayRedisMemoryHigh cannot fire and Redis grows until the node runs out of memory.`,
    }),
    alert(cfg, {
      name: 'FeexPayLogDiskAlmostFull',
      knobs: i.logDisk,
      component: 'infra',
      expr: `${sel(series(serviceMetrics.logDiskUsage), eq('job', cfg.job))} > ${num(i.logDisk.threshold)}`,
      summary: `The log filesystem of a FeexPay gateway instance is more than ${pct(i.logDisk.threshold)} full.`,
      description: `The filesystem holding LOG_DIR on {{ $labels.instance }} is {{ $value | humanizePercentage }} full (limit ${pct(i.logDisk.threshold)}).`,
      measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(i.logDisk.threshold) },
    }),
    alert(cfg, {
      name: 'FeexPayVolumeAlmostFull',
      knobs: i.volumeDisk,
      component: 'infra',
      expr: `${used}\n/ ${capacity} > ${num(i.volumeDisk.threshold)}`,
      summary: `A FeexPay persistent volume is more than ${pct(i.volumeDisk.threshold)} full.`,
      description: `Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is {{ $value | humanizePercentage }} full ` + `(limit ${pct(i.volumeDisk.threshold)}).`,
      measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(i.volumeDisk.threshold) },
    }),
  ];
}
