/**
 * The API's RED view (rate, errors, duration by route), availability against its objective with
 * the error budget left, and saturation of the Node.js process, per replica.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { externalMetrics, httpMetrics, runtimeMetrics, serviceMetrics } from '../src/metrics/catalog.ts';
import { pct } from '../alerts/alert.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { DASHBOARD_UIDS } from '../alerts/links.ts';
import { num, re, sel, series } from '../alerts/promql.ts';
import { recorded } from '../alerts/recording-names.ts';
import { baseDashboard, finish } from './layout.ts';
import { NO_LIMIT, redAbove, redBelow, runbook, statPanel, timeseriesPanel } from './panels.ts';
import { latencyQuantiles } from './quantiles.ts';
import { guardedRatio, sumBy } from './ratios.ts';
import { exporter, gw, ns, RATE } from './selectors.ts';
import { triageRow } from './triage.ts';

export const API_UID = DASHBOARD_UIDS.api;

const count = series(httpMetrics.requestDuration, '_count');
const ERRORS = re('status_code', '5..');

/** 5xx share over `range` from raw counters: exact over any window, and filtered by $instance. */
function errorShare(cfg: MonitoringConfig, range: string): string {
  return guardedRatio(`sum(increase(${sel(count, ...gw(cfg), ERRORS)}[${range}]))`, `sum(increase(${sel(count, ...gw(cfg))}[${range}]))`, []);
}

function availability(cfg: MonitoringConfig): dashboard.RowBuilder {
  const obj = cfg.api.availabilityObjective;
  const budget = num(1 - obj);
  const links = runbook(cfg, 'FeexPayGatewayErrorBudgetBurn');
  const requests = (...x: string[]) => sel(recorded.instanceHttpRequests('5m'), ...gw(cfg), ...x);
  const recent = (w: '5m' | '30m') => {
    const r = (...x: string[]) => sel(recorded.instanceHttpRequests(w), ...gw(cfg), ...x);
    return `1 - ${guardedRatio(sumBy(r(ERRORS)), sumBy(r()), [])}`;
  };
  const page = cfg.api.burnWindows[0];
  return new dashboard.RowBuilder('Availability')
    .withPanel(
      statPanel({
        title: 'Availability (30 days)',
        description: `Share of requests answered without a 5xx over 30 days, against the ${pct(obj)} objective (red below it).`,
        unit: 'percentunit',
        thresholds: redBelow(obj),
        links,
        noValue: 'no requests',
        queries: [{ expr: `1 - ${errorShare(cfg, '30d')}`, legend: 'availability', instant: true }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Error budget left (30 days)',
        description: `Fraction of the 30-day error budget (${pct(1 - obj)} of requests) not yet spent; red under 25%. Below zero the objective is missed.`,
        unit: 'percentunit',
        thresholds: redBelow(0.25),
        links,
        noValue: 'no requests',
        queries: [{ expr: `1 - ${errorShare(cfg, '30d')} / ${budget}`, legend: 'budget left', instant: true }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Availability by window',
        description: `1 - 5xx ratio over 5 and 30 minutes (recorded), beside the request volume; the dashed line is the ${pct(obj)} objective.`,
        unit: 'percentunit',
        max: 1,
        thresholds: redBelow(obj),
        links,
        queries: [
          { expr: recent('5m'), legend: '5m' },
          { expr: recent('30m'), legend: '30m' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Error budget burn rate',
        description: `How many times faster than allowed the budget burns, over each alert's long window. Pages above ${cfg.api.burnWindows
          .filter((w) => w.severity === 'critical')
          .map((w) => `${w.factor} (${w.long})`)
          .join(' or ')}, tickets above ${cfg.api.burnWindows
          .filter((w) => w.severity !== 'critical')
          .map((w) => `${w.factor} (${w.long})`)
          .join(' or ')}.`,
        unit: 'none',
        thresholds: redAbove(page?.factor ?? 14.4),
        links,
        queries: cfg.api.burnWindows.map((w) => ({ expr: `${errorShare(cfg, w.long)} / ${budget}`, legend: w.long })),
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Request volume',
        description: 'Requests per second over 5 minutes (recorded), by status code: the volume behind the ratios. Gaps in a ratio mean no requests.',
        unit: 'reqps',
        stack: true,
        width: 24,
        height: 6,
        thresholds: NO_LIMIT,
        queries: [{ expr: sumBy(requests(), ['status_code']), legend: '{{status_code}}' }],
      }),
    );
}

function red(cfg: MonitoringConfig): dashboard.RowBuilder {
  const buckets = sel(series(httpMetrics.requestDuration, '_bucket'), ...gw(cfg));
  return new dashboard.RowBuilder('Requests, errors, duration')
    .withPanel(
      timeseriesPanel({
        title: 'Request rate by route',
        description: 'Requests per second by route pattern.',
        unit: 'reqps',
        stack: true,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (route) (rate(${sel(count, ...gw(cfg))}[${RATE}]))`, legend: '{{route}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Requests by status code',
        description: 'Requests per second by HTTP status code.',
        unit: 'reqps',
        stack: true,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (status_code) (rate(${sel(count, ...gw(cfg))}[${RATE}]))`, legend: '{{status_code}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Server error ratio by route',
        description: `Share of requests answered 5xx, per route. The surge alert fires above ${pct(cfg.api.serverErrorSurge.threshold)} overall.`,
        unit: 'percentunit',
        thresholds: redAbove(cfg.api.serverErrorSurge.threshold),
        links: runbook(cfg, 'FeexPayGatewayServerErrorSurge'),
        queries: [
          {
            expr: guardedRatio(`sum by (route) (rate(${sel(count, ...gw(cfg), ERRORS)}[${RATE}]))`, `sum by (route) (rate(${sel(count, ...gw(cfg))}[${RATE}]))`, ['route']),
            legend: '{{route}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Latency by route',
        description: `p50, p95 and p99 request duration per route pattern; the dashed line is ${cfg.api.latencyP95Seconds} s.`,
        unit: 's',
        thresholds: redAbove(cfg.api.latencyP95Seconds),
        queries: latencyQuantiles(buckets, 'route'),
      }),
    );
}

function saturation(cfg: MonitoringConfig): dashboard.RowBuilder {
  const r = runtimeMetrics;
  return new dashboard.RowBuilder('Saturation')
    .withPanel(
      timeseriesPanel({
        title: 'Event loop lag p99',
        description: 'Event loop delay, 99th percentile, per instance. Above 100 ms requests queue.',
        unit: 's',
        width: 8,
        thresholds: redAbove(0.1),
        queries: [{ expr: `max by (instance) (${sel(r.eventLoopLagP99.name, ...gw(cfg))})`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Heap used and size',
        description: 'V8 heap used and allocated, per instance.',
        unit: 'bytes',
        width: 8,
        thresholds: NO_LIMIT,
        queries: [
          { expr: `sum by (instance) (${sel(r.heapUsed.name, ...gw(cfg))})`, legend: 'used {{instance}}' },
          { expr: `sum by (instance) (${sel(r.heapTotal.name, ...gw(cfg))})`, legend: 'size {{instance}}' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'CPU',
        description: 'CPU time used per second (1 = one core), per instance.',
        unit: 'percentunit',
        width: 8,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (instance) (rate(${sel(r.cpuSeconds.name, ...gw(cfg))}[${RATE}]))`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Resident memory',
        description: 'Resident set size of the process, per instance.',
        unit: 'bytes',
        width: 8,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (instance) (${sel(r.residentMemory.name, ...gw(cfg))})`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Payments per database statement',
        description:
          'p50, p95 and p99 of the payments carried by one statement: the claims of POST /v1/payments, and the FeexPay references stored (by POST, webhooks and the reconciler), across replicas. 1 means every payment had its own round trip and commit; larger values mean requests queued behind the statement in flight (load, or a slow database) and shared one. Near the 64-row cap, PostgreSQL is the bottleneck.',
        unit: 'short',
        width: 8,
        thresholds: NO_LIMIT,
        queries: latencyQuantiles(sel(series(serviceMetrics.batchedStatementRows, '_bucket'), ...gw(cfg)), 'statement'),
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Restarts',
        description: `Process restarts seen by Prometheus, and container restarts seen by Kubernetes, over the last hour; the alert fires above ${cfg.health.restarts.maxRestarts} in ${cfg.health.restarts.window}.`,
        unit: 'short',
        width: 8,
        decimals: 0,
        thresholds: redAbove(cfg.health.restarts.maxRestarts + 1),
        links: runbook(cfg, 'FeexPayGatewayRestarting'),
        queries: [
          { expr: `changes(${sel(r.startTime.name, ...gw(cfg))}[1h])`, legend: 'process {{instance}}' },
          {
            expr: `sum by (pod) (increase(${sel(externalMetrics.kubePodRestarts.name, ...exporter(cfg, 'kubeStateMetrics'), ns, re('pod', `${cfg.service}-.*`))}[1h]))`,
            legend: 'container {{pod}}',
          },
        ],
      }),
    );
}

export function apiDashboard(cfg: MonitoringConfig): dashboard.Dashboard {
  return finish(
    baseDashboard(cfg, {
      uid: API_UID,
      title: 'FeexPay / API',
      description: 'Whose fault an incident is, then rate, errors and duration of the FeexPay gateway API, its availability objective and saturation.',
      jobs: [cfg.job, cfg.exporterJobs.kubeStateMetrics],
    })
      .withRow(triageRow(cfg))
      .withRow(availability(cfg))
      .withRow(red(cfg))
      .withRow(saturation(cfg)),
  );
}
