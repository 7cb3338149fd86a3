/**
 * The API's RED view (rate, errors, duration by route), availability against its objective with
 * the error budget left, and saturation of the Node.js process.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { externalMetrics, httpMetrics, runtimeMetrics } from '../src/metrics/catalog.ts';
import { pct } from '../alerts/alert.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { num, re, sel, series } from '../alerts/promql.ts';
import { recorded } from '../alerts/recording-names.ts';
import { baseDashboard, finish } from './layout.ts';
import { redAbove, redBelow, runbook, statPanel, timeseriesPanel } from './panels.ts';
import { latencyQuantiles } from './quantiles.ts';
import { gw, ns, RATE } from './selectors.ts';

export const API_UID = 'feexpay-api';

const count = series(httpMetrics.requestDuration, '_count');
const ERRORS = re('status_code', '5..');

function availability(cfg: MonitoringConfig): dashboard.RowBuilder {
  const obj = cfg.api.availabilityObjective;
  const budget = num(1 - obj);
  const errors30d = `sum(increase(${sel(count, ...gw(cfg), ERRORS)}[30d]))`;
  const all30d = `sum(increase(${sel(count, ...gw(cfg))}[30d]))`;
  const links = runbook(cfg, 'FeexPayGatewayErrorBudgetBurn');
  const g = `{${gw(cfg).join(',')}}`;
  return new dashboard.RowBuilder('Availability')
    .withPanel(statPanel({
      title: 'Availability (30 days)',
      description: `Share of requests answered without a 5xx over 30 days, against the ${pct(obj)} objective.`,
      unit: 'percentunit', thresholds: redBelow(obj), links,
      queries: [{ expr: `1 - (${errors30d} or vector(0)) / ${all30d}`, legend: 'availability', instant: true }],
    }))
    .withPanel(statPanel({
      title: 'Error budget left (30 days)',
      description: `Fraction of the 30-day error budget (${pct(1 - obj)} of requests) not yet spent. Below zero the objective is missed.`,
      unit: 'percentunit', thresholds: redBelow(0.25), links,
      queries: [{ expr: `1 - ((${errors30d} or vector(0)) / ${all30d}) / ${budget}`, legend: 'budget left', instant: true }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Availability by window',
      description: `1 - 5xx ratio over the recorded alert windows; the dashed line is the ${pct(obj)} objective.`,
      unit: 'percentunit', max: 1, thresholds: redBelow(obj), links,
      queries: (['5m', '1h', '6h'] as const).map((w) => ({ expr: `1 - ${recorded.httpErrorRatio(w)}${g}`, legend: w })),
    }))
    .withPanel(timeseriesPanel({
      title: 'Error budget burn rate',
      description: 'How many times faster than allowed the budget burns. Pages above 14.4 (1h) or 6 (6h), tickets above 3 (1d) or 1 (3d).',
      unit: 'none', thresholds: redAbove(cfg.api.burnWindows[0]?.factor ?? 14.4), links,
      queries: cfg.api.burnWindows.map((w) => ({ expr: `${recorded.httpErrorRatio(w.long)}${g} / ${budget}`, legend: w.long })),
    }));
}

function red(cfg: MonitoringConfig): dashboard.RowBuilder {
  const buckets = sel(series(httpMetrics.requestDuration, '_bucket'), ...gw(cfg));
  return new dashboard.RowBuilder('Requests, errors, duration')
    .withPanel(timeseriesPanel({
      title: 'Request rate by route', description: 'Requests per second by route pattern.', unit: 'reqps', stack: true,
      queries: [{ expr: `sum by (route) (rate(${sel(count, ...gw(cfg))}[${RATE}]))`, legend: '{{route}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Requests by status code', description: 'Requests per second by HTTP status code.', unit: 'reqps', stack: true,
      queries: [{ expr: `sum by (status_code) (rate(${sel(count, ...gw(cfg))}[${RATE}]))`, legend: '{{status_code}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Server error ratio by route',
      description: `Share of requests answered 5xx, per route. The surge alert fires above ${pct(cfg.api.serverErrorSurge.threshold)} overall.`,
      unit: 'percentunit', thresholds: redAbove(cfg.api.serverErrorSurge.threshold),
      links: runbook(cfg, 'FeexPayGatewayServerErrorSurge'),
      queries: [{
        expr: `sum by (route) (rate(${sel(count, ...gw(cfg), ERRORS)}[${RATE}]))\n/\nsum by (route) (rate(${sel(count, ...gw(cfg))}[${RATE}]))`,
        legend: '{{route}}',
      }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Latency by route', description: 'p50, p95 and p99 request duration per route pattern.', unit: 's',
      queries: latencyQuantiles(buckets, 'route'),
    }));
}

function saturation(cfg: MonitoringConfig): dashboard.RowBuilder {
  const r = runtimeMetrics;
  return new dashboard.RowBuilder('Saturation')
    .withPanel(timeseriesPanel({
      title: 'Event loop lag p99', description: 'Event loop delay, 99th percentile, per instance. Above 100 ms requests queue.', unit: 's', width: 8,
      thresholds: redAbove(0.1),
      queries: [{ expr: `max by (instance) (${sel(r.eventLoopLagP99.name, ...gw(cfg))})`, legend: '{{instance}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Heap used and size', description: 'V8 heap used and allocated, per instance.', unit: 'bytes', width: 8,
      queries: [
        { expr: `sum by (instance) (${sel(r.heapUsed.name, ...gw(cfg))})`, legend: 'used {{instance}}' },
        { expr: `sum by (instance) (${sel(r.heapTotal.name, ...gw(cfg))})`, legend: 'size {{instance}}' },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: 'CPU', description: 'CPU time used per second (1 = one core), per instance.', unit: 'percentunit', width: 8,
      queries: [{ expr: `sum by (instance) (rate(${sel(r.cpuSeconds.name, ...gw(cfg))}[${RATE}]))`, legend: '{{instance}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Resident memory', description: 'Resident set size of the process, per instance.', unit: 'bytes',
      queries: [{ expr: `sum by (instance) (${sel(r.residentMemory.name, ...gw(cfg))})`, legend: '{{instance}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Restarts', description: 'Process restarts seen by Prometheus, and container restarts seen by Kubernetes, over the last hour.', unit: 'short',
      links: runbook(cfg, 'FeexPayGatewayRestarting'),
      queries: [
        { expr: `changes(${sel(r.startTime.name, ...gw(cfg))}[1h])`, legend: 'process {{instance}}' },
        { expr: `sum by (pod) (increase(${sel(externalMetrics.kubePodRestarts.name, ns, re('pod', `${cfg.service}-.*`))}[1h]))`, legend: 'container {{pod}}' },
      ],
    }));
}

export function apiDashboard(cfg: MonitoringConfig): dashboard.Dashboard {
  return finish(
    baseDashboard(cfg, {
      uid: API_UID,
      title: 'FeexPay / API',
      description: 'Rate, errors and duration of the FeexPay gateway API, its availability objective and saturation.',
    })
      .withRow(availability(cfg))
      .withRow(red(cfg))
      .withRow(saturation(cfg)),
  );
}
