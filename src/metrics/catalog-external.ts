/**
 * Catalog entries of series the service does not define itself: prom-client's runtime defaults,
 * and what Prometheus and the exporters produce.
 */
import { def } from './metric-def.ts';

/** prom-client's collectDefaultMetrics, the ones dashboards and alerts read. */
export const runtimeMetrics = {
  cpuSeconds: def({ name: 'process_cpu_seconds_total', type: 'counter', help: 'CPU time used.', labels: {}, source: 'prom-client-defaults' }),
  residentMemory: def({ name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident memory.', labels: {}, source: 'prom-client-defaults' }),
  startTime: def({ name: 'process_start_time_seconds', type: 'gauge', help: 'Process start time.', labels: {}, source: 'prom-client-defaults' }),
  eventLoopLagP99: def({ name: 'nodejs_eventloop_lag_p99_seconds', type: 'gauge', help: 'Event loop lag, 99th percentile.', labels: {}, source: 'prom-client-defaults' }),
  heapUsed: def({ name: 'nodejs_heap_size_used_bytes', type: 'gauge', help: 'V8 heap used.', labels: {}, source: 'prom-client-defaults' }),
  heapTotal: def({ name: 'nodejs_heap_size_total_bytes', type: 'gauge', help: 'V8 heap size.', labels: {}, source: 'prom-client-defaults' }),
} as const;

/** Series produced outside the service that dashboards and alerts rely on. */
export const externalMetrics = {
  up: def({ name: 'up', type: 'gauge', help: 'Whether Prometheus scraped the target.', labels: { job: null, instance: null }, source: 'prometheus' }),
  pgUp: def({ name: 'pg_up', type: 'gauge', help: 'Whether postgres_exporter reached PostgreSQL.', labels: {}, source: 'postgres_exporter' }),
  pgConnections: def({
    name: 'pg_stat_activity_count',
    type: 'gauge',
    help: 'PostgreSQL connections by state.',
    labels: { datname: null, state: null },
    source: 'postgres_exporter',
  }),
  pgDeadlocks: def({ name: 'pg_stat_database_deadlocks', type: 'counter', help: 'Deadlocks detected.', labels: { datname: null }, source: 'postgres_exporter' }),
  pgCommits: def({ name: 'pg_stat_database_xact_commit', type: 'counter', help: 'Transactions committed.', labels: { datname: null }, source: 'postgres_exporter' }),
  pgMaxConnections: def({ name: 'pg_settings_max_connections', type: 'gauge', help: 'max_connections setting.', labels: {}, source: 'postgres_exporter' }),
  redisUp: def({ name: 'redis_up', type: 'gauge', help: 'Whether redis_exporter reached Redis.', labels: {}, source: 'redis_exporter' }),
  redisMemoryUsed: def({ name: 'redis_memory_used_bytes', type: 'gauge', help: 'Memory used by Redis.', labels: {}, source: 'redis_exporter' }),
  redisMemoryMax: def({ name: 'redis_memory_max_bytes', type: 'gauge', help: 'Redis maxmemory (0 when unset).', labels: {}, source: 'redis_exporter' }),
  nodeFsAvail: def({
    name: 'node_filesystem_avail_bytes',
    type: 'gauge',
    help: 'Filesystem space available.',
    labels: { mountpoint: null, device: null, fstype: null },
    source: 'node_exporter',
  }),
  nodeFsSize: def({
    name: 'node_filesystem_size_bytes',
    type: 'gauge',
    help: 'Filesystem size.',
    labels: { mountpoint: null, device: null, fstype: null },
    source: 'node_exporter',
  }),
  kubePodRestarts: def({
    name: 'kube_pod_container_status_restarts_total',
    type: 'counter',
    help: 'Container restarts.',
    labels: { namespace: null, pod: null, container: null },
    source: 'kube-state-metrics',
  }),
  kubeDeploymentAvailable: def({
    name: 'kube_deployment_status_replicas_available',
    type: 'gauge',
    help: 'Available replicas.',
    labels: { namespace: null, deployment: null },
    source: 'kube-state-metrics',
  }),
  kubeDeploymentDesired: def({
    name: 'kube_deployment_spec_replicas',
    type: 'gauge',
    help: 'Desired replicas.',
    labels: { namespace: null, deployment: null },
    source: 'kube-state-metrics',
  }),
  kubeletVolumeUsed: def({
    name: 'kubelet_volume_stats_used_bytes',
    type: 'gauge',
    help: 'Volume bytes used.',
    labels: { namespace: null, persistentvolumeclaim: null },
    source: 'kubelet',
  }),
  kubeletVolumeCapacity: def({
    name: 'kubelet_volume_stats_capacity_bytes',
    type: 'gauge',
    help: 'Volume capacity.',
    labels: { namespace: null, persistentvolumeclaim: null },
    source: 'kubelet',
  }),
  // Alerting (issue 15): Prometheus's own series of alert states, for dashboard annotations.
  alerts: def({
    name: 'ALERTS',
    type: 'gauge',
    help: 'One series per pending or firing alert, with the rule and series labels.',
    labels: { alertname: null, alertstate: ['pending', 'firing'], severity: null, service: null, component: null, operation: null, network: null },
    source: 'prometheus',
  }),
} as const;
