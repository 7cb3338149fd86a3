/** promtool cases for service health and infrastructure alerts. */
import { externalMetrics, runtimeMetrics, serviceMetrics } from '../../../src/metrics/catalog.ts';
import { durationSeconds, EXPORTERS_RULES_READ, KUBERNETES_ONLY_EXPORTERS, type MonitoringConfig } from '../../config.ts';
import { flat, minutes, s, fires, silent, type RuleBook, type TestGroup } from '../model.ts';
import { scope } from './payments.ts';

const forMin = (d: Parameters<typeof durationSeconds>[0]) => durationSeconds(d) / 60;

/** A gauge at `healthy` for 5 minutes, then at `v` for the rest of `steps`. */
const after5 = (healthy: number, v: number, steps: number) => `${flat(healthy, 4)} ${flat(v, steps - 5)}`;

export function serviceHealthGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const h = cfg.health;
  const down = book.get('FeexPayGatewayDown');
  const absent = book.get('FeexPayGatewayAbsent');
  const restarting = book.get('FeexPayGatewayRestarting');
  const exporter = book.get('FeexPayExporterDown');
  const api = { ...scope(cfg), instance: 'api-0' };
  const pg = { job: cfg.exporterJobs.postgres, instance: 'postgres-exporter:9187' };
  const steps = 30;
  const up = (l: Record<string, string>, values: string) => ({ series: s(externalMetrics.up.name, l), values });
  const restarts = (n: number) => {
    const w = forMin(h.restarts.window);
    // n start-time changes, one every 2 minutes, inside the last window.
    const changes = Array.from({ length: n }, (_, i) => String((i + 1) * 1000)).join(' ');
    return { series: s(runtimeMetrics.startTime.name, api), values: `${flat(0, w)} ${changes} ${flat(n * 1000, 5)}`.replace(/ +/g, ' ') };
  };
  const restartAt = (n: number) => minutes(forMin(h.restarts.window) + n + 3);
  return [
    {
      title: 'gateway down past its for duration fires, not before',
      interval: '1m',
      input_series: [up(api, after5(1, 0, steps))],
      alert_rule_test: [
        silent(down, minutes(5 + forMin(h.down.for) - 1)),
        fires(down, minutes(steps - 1), book.expect(down, api, 0)),
        silent(absent, minutes(steps - 1)),
        silent(exporter, minutes(steps - 1)),
      ],
    },
    {
      title: 'gateway up is silent',
      interval: '1m',
      input_series: [up(api, flat(1, steps)), up(pg, flat(1, steps))],
      alert_rule_test: [silent(down, minutes(steps - 1)), silent(absent, minutes(steps - 1)), silent(exporter, minutes(steps - 1))],
    },
    {
      title: 'no gateway target at all fires absent',
      interval: '1m',
      input_series: [up(pg, flat(1, steps))],
      alert_rule_test: [fires(absent, minutes(forMin(h.absent.for) + 2), book.expect(absent, { job: cfg.job }, 1)), silent(down, minutes(steps - 1))],
    },
    {
      title: 'an exporter down fires for that exporter',
      interval: '1m',
      input_series: [up(api, flat(1, steps)), up(pg, after5(1, 0, steps))],
      alert_rule_test: [fires(exporter, minutes(steps - 1), book.expect(exporter, pg, 0))],
    },
    ...exporterAbsentGroups(cfg, book),
    {
      title: 'more restarts than allowed in the window fire',
      interval: '1m',
      input_series: [restarts(h.restarts.maxRestarts + 1)],
      alert_rule_test: [fires(restarting, restartAt(h.restarts.maxRestarts + 1), book.expect(restarting, api, h.restarts.maxRestarts + 1))],
    },
    {
      title: 'exactly the allowed restarts are silent',
      interval: '1m',
      input_series: [restarts(h.restarts.maxRestarts)],
      alert_rule_test: [silent(restarting, restartAt(h.restarts.maxRestarts))],
    },
  ];
}

function exporterAbsentGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const steps = 30;
  const forMinutes = forMin(cfg.health.exporterAbsent.for);
  const up = (job: string) => ({ series: s(externalMetrics.up.name, { job, instance: `${job}:9100` }), values: flat(1, steps) });
  const [missing, ...present] = EXPORTERS_RULES_READ;
  const rule = (key: string) => book.get('FeexPayExporterAbsent', { exporter: key });
  return [
    {
      title: 'every exporter the rules read scraped: no absence alert',
      interval: '1m',
      input_series: EXPORTERS_RULES_READ.map((k) => up(cfg.exporterJobs[k])),
      alert_rule_test: [silent(rule(missing!), minutes(steps - 1))],
    },
    {
      title: 'an exporter without any target (renamed job, not deployed) fires for that exporter only',
      interval: '1m',
      input_series: present.map((k) => up(cfg.exporterJobs[k])),
      alert_rule_test: [
        silent(rule(missing!), minutes(forMinutes - 1)),
        fires(rule(missing!), minutes(steps - 1), book.expect(rule(missing!), { job: cfg.exporterJobs[missing!] }, 1)),
      ],
    },
    ...KUBERNETES_ONLY_EXPORTERS.flatMap((key): TestGroup[] => {
      const others = EXPORTERS_RULES_READ.filter((k) => k !== key).map((k) => up(cfg.exporterJobs[k]));
      const gateway = (labels: Record<string, string>) => ({ series: s(externalMetrics.up.name, { job: cfg.job, instance: 'api-0', ...labels }), values: flat(1, steps) });
      return [
        {
          title: `no ${key} target in Kubernetes (the gateway's targets carry a namespace) fires`,
          interval: '1m',
          input_series: [...others, gateway({ namespace: 'production' })],
          alert_rule_test: [fires(rule(key), minutes(steps - 1), book.expect(rule(key), { job: cfg.exporterJobs[key] }, 1))],
        },
        {
          title: `no ${key} target on the compose stack (no namespace) is silent`,
          interval: '1m',
          input_series: [...others, gateway({})],
          alert_rule_test: [silent(rule(key), minutes(steps - 1))],
        },
      ];
    }),
  ];
}

export function infraGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const i = cfg.infra;
  const steps = 30;
  const at = minutes(steps - 1);
  const pgL = { job: cfg.exporterJobs.postgres, instance: 'postgres-exporter:9187' };
  const redisL = { job: cfg.exporterJobs.redis, instance: 'redis-exporter:9121' };
  const api = { ...scope(cfg), instance: 'api-0' };
  const g = (name: string, l: Record<string, string>, values: string) => ({ series: s(name, l), values });
  const pgDown = book.get('FeexPayPostgresDown');
  const pgConn = book.get('FeexPayPostgresConnectionsHigh');
  const redisDown = book.get('FeexPayRedisDown');
  const redisMem = book.get('FeexPayRedisMemoryHigh');
  const maxmemory = book.get('FeexPayRedisMaxmemoryUnset');
  const unsetSteps = forMin(i.redisMaxmemoryUnset.for) + 5;
  const logDisk = book.get('FeexPayLogDiskAlmostFull');
  const volume = book.get('FeexPayVolumeAlmostFull');
  const conns = (active: number, idle: number) => [
    g(externalMetrics.pgConnections.name, { ...pgL, datname: 'feexpay', state: 'active' }, after5(5, active, steps)),
    g(externalMetrics.pgConnections.name, { ...pgL, datname: 'feexpay', state: 'idle' }, after5(5, idle, steps)),
    g(externalMetrics.pgMaxConnections.name, pgL, flat(100, steps)),
  ];
  const over = (t: number) => Math.round((t + (1 - t) / 2) * 100);
  const under = (t: number) => Math.round(t * 100) - 1;
  const redis = (used: number, max: number) => [
    g(externalMetrics.redisMemoryUsed.name, redisL, after5(0, used, steps)),
    g(externalMetrics.redisMemoryMax.name, redisL, flat(max, steps)),
  ];
  const claim = (name: string, used: number) => {
    const l = { job: cfg.exporterJobs.kubelet, namespace: 'feexpay', persistentvolumeclaim: name };
    return [g(externalMetrics.kubeletVolumeUsed.name, l, after5(0, used, steps)), g(externalMetrics.kubeletVolumeCapacity.name, l, flat(100, steps))];
  };
  const logs = { job: cfg.exporterJobs.kubelet, namespace: 'feexpay', persistentvolumeclaim: 'feexpay-logs' };
  const ratio = (v: number) => after5(0.1, v, steps);
  return [
    {
      title: 'postgres unreachable fires',
      interval: '1m',
      input_series: [g(externalMetrics.pgUp.name, pgL, after5(1, 0, steps))],
      alert_rule_test: [silent(pgDown, minutes(5 + forMin(i.postgresDown.for) - 1)), fires(pgDown, at, book.expect(pgDown, pgL, 0))],
    },
    { title: 'postgres reachable is silent', interval: '1m', input_series: [g(externalMetrics.pgUp.name, pgL, flat(1, steps))], alert_rule_test: [silent(pgDown, at)] },
    {
      title: 'postgres connections past the limit fire',
      interval: '1m',
      input_series: conns(over(i.postgresConnections.threshold) - 10, 10),
      alert_rule_test: [fires(pgConn, at, book.expect(pgConn, pgL, over(i.postgresConnections.threshold) / 100))],
    },
    {
      title: 'postgres connections just under the limit are silent',
      interval: '1m',
      input_series: conns(under(i.postgresConnections.threshold) - 10, 10),
      alert_rule_test: [silent(pgConn, at)],
    },
    {
      title: 'redis unreachable fires',
      interval: '1m',
      input_series: [g(externalMetrics.redisUp.name, redisL, after5(1, 0, steps))],
      alert_rule_test: [fires(redisDown, at, book.expect(redisDown, redisL, 0))],
    },
    { title: 'redis reachable is silent', interval: '1m', input_series: [g(externalMetrics.redisUp.name, redisL, flat(1, steps))], alert_rule_test: [silent(redisDown, at)] },
    {
      title: 'redis memory past the limit fires',
      interval: '1m',
      input_series: redis(over(i.redisMemory.threshold) * 10, 1000),
      alert_rule_test: [fires(redisMem, at, book.expect(redisMem, redisL, over(i.redisMemory.threshold) / 100))],
    },
    {
      title: 'redis memory just under the limit is silent',
      interval: '1m',
      input_series: redis(under(i.redisMemory.threshold) * 10, 1000),
      alert_rule_test: [silent(redisMem, at)],
    },
    {
      title: 'redis without maxmemory is never a ratio alert, but is reported as unset',
      interval: '1m',
      input_series: [
        g(externalMetrics.redisMemoryUsed.name, redisL, flat(1e9, unsetSteps)),
        g(externalMetrics.redisMemoryMax.name, redisL, flat(0, unsetSteps)),
        g(externalMetrics.redisUp.name, redisL, flat(1, unsetSteps)),
      ],
      alert_rule_test: [
        silent(redisMem, at),
        silent(maxmemory, minutes(forMin(i.redisMaxmemoryUnset.for) - 1)),
        fires(maxmemory, minutes(forMin(i.redisMaxmemoryUnset.for) + 2), book.expect(maxmemory, redisL, 0)),
      ],
    },
    {
      title: 'redis with maxmemory set is not reported as unset',
      interval: '1m',
      input_series: [...redis(500, 1000), g(externalMetrics.redisUp.name, redisL, flat(1, steps))],
      alert_rule_test: [silent(maxmemory, at)],
    },
    {
      title: 'log disk past the limit fires',
      interval: '1m',
      input_series: [g(serviceMetrics.logDiskUsage.name, api, ratio(over(i.logDisk.threshold) / 100))],
      alert_rule_test: [fires(logDisk, at, book.expect(logDisk, api, over(i.logDisk.threshold) / 100))],
    },
    {
      title: 'log disk just under the limit is silent',
      interval: '1m',
      input_series: [g(serviceMetrics.logDiskUsage.name, api, ratio(under(i.logDisk.threshold) / 100))],
      alert_rule_test: [silent(logDisk, at)],
    },
    {
      title: "our log volume past the limit fires, another team's is ignored",
      interval: '1m',
      input_series: [...claim('feexpay-logs', over(i.volumeDisk.threshold)), ...claim('other-team-db', 99)],
      alert_rule_test: [fires(volume, at, book.expect(volume, logs, over(i.volumeDisk.threshold) / 100))],
    },
    {
      title: 'our log volume just under the limit is silent',
      interval: '1m',
      input_series: claim('feexpay-logs', under(i.volumeDisk.threshold)),
      alert_rule_test: [silent(volume, at)],
    },
  ];
}

export function noReplicaGroups(cfg: MonitoringConfig, book: RuleBook): TestGroup[] {
  const rule = book.get('FeexPayGatewayNoReplicaAvailable');
  const steps = 20;
  const l = { job: cfg.exporterJobs.kubeStateMetrics, instance: 'kube-state-metrics:8080', namespace: 'production', deployment: cfg.service };
  const gauge = (metric: string, values: string) => ({ series: s(metric, l), values });
  const available = externalMetrics.kubeDeploymentAvailable.name;
  const desired = externalMetrics.kubeDeploymentDesired.name;
  return [
    {
      title: 'no replica available while three are wanted fires after its for duration',
      interval: '1m',
      input_series: [gauge(available, after5(3, 0, steps)), gauge(desired, flat(3, steps))],
      alert_rule_test: [
        silent(rule, minutes(5 + forMin(cfg.health.noReplicaAvailable.for) - 1)),
        fires(rule, minutes(steps - 1), book.expect(rule, { namespace: 'production', deployment: cfg.service, job: l.job, instance: l.instance }, 0)),
      ],
    },
    {
      title: 'one replica of three available is silent (the other alerts say why)',
      interval: '1m',
      input_series: [gauge(available, after5(3, 1, steps)), gauge(desired, flat(3, steps))],
      alert_rule_test: [silent(rule, minutes(steps - 1))],
    },
    {
      title: 'a Deployment scaled to zero on purpose is silent',
      interval: '1m',
      input_series: [gauge(available, after5(3, 0, steps)), gauge(desired, after5(3, 0, steps))],
      alert_rule_test: [silent(rule, minutes(steps - 1))],
    },
  ];
}
