/** The merchant events row of the payments dashboard: attempts, delivery latency, backlog, endpoints. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MonitoringConfig } from '../alerts/config.ts';
import { serviceMetrics } from '../src/metrics/catalog.ts';
import { sel } from '../alerts/promql.ts';
import { NO_LIMIT, redAbove, runbook, statPanel, timeseriesPanel } from './panels.ts';
import { latencyQuantiles } from './quantiles.ts';
import { gw, RATE } from './selectors.ts';

const m = serviceMetrics;

export function merchantEventsRow(cfg: MonitoringConfig): dashboard.RowBuilder {
  const k = cfg.merchantEvents;
  const of = (name: string) => sel(name, ...gw(cfg));
  return new dashboard.RowBuilder('Merchant events')
    .withPanel(
      timeseriesPanel({
        title: 'Delivery attempts by outcome',
        description: 'Signed event deliveries to merchant endpoints per second: succeeded (2xx), http_error, timeout, network_error, refused (address policy).',
        unit: 'ops',
        stack: true,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (outcome) (rate(${of(m.merchantEventAttempts.name)}[${RATE}]))`, legend: '{{outcome}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Event to acknowledgement',
        description: 'Time from the transition writing the event to the endpoint answering 2xx; retries stretch the upper percentiles.',
        unit: 's',
        thresholds: NO_LIMIT,
        queries: latencyQuantiles(of(`${m.merchantEventDeliveryLatency.name}_bucket`), 'namespace'),
      }),
    )
    .withPanel(
      statPanel({
        title: 'Oldest undelivered event',
        description: 'Age of the oldest event waiting for an endpoint that is not failing (failing endpoints wait on the retry schedule).',
        unit: 's',
        thresholds: redAbove(k.backlog.thresholdSeconds),
        links: runbook(cfg, 'FeexPayMerchantEventsDelayed'),
        queries: [{ expr: `max(${of(m.merchantEventOldestUndelivered.name)})`, legend: 'oldest' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Endpoints by state',
        description: 'Merchant webhook endpoints: enabled, failing (last attempts failed) and disabled (failed for days). Same figure from every replica, so max.',
        unit: 'short',
        decimals: 0,
        thresholds: NO_LIMIT,
        links: runbook(cfg, 'FeexPayMerchantEndpointsFailing'),
        queries: [{ expr: `max by (state) (${of(m.merchantWebhookEndpoints.name)})`, legend: '{{state}}' }],
      }),
    );
}
