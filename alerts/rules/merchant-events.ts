/** Alerts on merchant event delivery: events late for healthy endpoints, many endpoints failing at once. */
import { serviceMetrics } from '../../src/metrics/catalog.ts';
import { alert, pct } from '../alert.ts';
import type { MonitoringConfig } from '../config.ts';
import { by, eq, num, sel, series } from '../promql.ts';
import { JOB_LABELS } from '../recording.ts';
import type { AlertingRule } from '../types.ts';

const ON_JOB = `on (${JOB_LABELS.join(', ')})`;

/** Every replica reports the same database-wide gauges, so max (not sum) is the figure. */
const endpoints = (cfg: MonitoringConfig, state: string) =>
  `max ${by(JOB_LABELS)} (${sel(series(serviceMetrics.merchantWebhookEndpoints), eq('job', cfg.job), eq('state', state))})`;

export function merchantEventAlerts(cfg: MonitoringConfig): AlertingRule[] {
  const backlog = cfg.merchantEvents.backlog;
  const failing = cfg.merchantEvents.failingEndpoints;
  const oldest = sel(series(serviceMetrics.merchantEventOldestUndelivered), eq('job', cfg.job));
  const active = `(${endpoints(cfg, 'failing')} + ${ON_JOB} ${endpoints(cfg, 'enabled')})`;
  return [
    alert(cfg, {
      name: 'FeexPayMerchantEventsDelayed',
      knobs: backlog,
      component: 'payments',
      expr: `max ${by(JOB_LABELS)} (${oldest}) > ${num(backlog.thresholdSeconds)}`,
      summary: `Merchant events wait more than ${backlog.thresholdSeconds / 60} minutes for delivery to healthy endpoints.`,
      description:
        `The oldest merchant event waiting for an endpoint that is not failing on {{ $labels.job }} ` +
        `is {{ $value | humanizeDuration }} old (limit ${backlog.thresholdSeconds}s): the delivery worker is behind or stopped.`,
      measured: { value: '{{ $value | humanizeDuration }}', threshold: `${backlog.thresholdSeconds}s` },
    }),
    alert(cfg, {
      name: 'FeexPayMerchantEndpointsFailing',
      knobs: failing,
      component: 'service',
      // The floor on endpoints keeps two merchants' broken test endpoints from paging anyone.
      expr: `${endpoints(cfg, 'failing')} / ${ON_JOB} ${active} > ${num(failing.threshold)}\n` + `and ${ON_JOB}\n${active} >= ${num(failing.minEndpoints)}`,
      summary: `More than ${pct(failing.threshold)} of merchant webhook endpoints are failing at once.`,
      description:
        `{{ $value | humanizePercentage }} of the active merchant webhook endpoints of {{ $labels.job }} ` +
        `failed their last attempts (limit ${pct(failing.threshold)}): suspect our egress, DNS or TLS rather than the merchants.`,
      measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(failing.threshold) },
    }),
  ];
}
