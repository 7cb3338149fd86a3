/**
 * The top row of the payments and API dashboards: whose fault is it? FeexPay's error and timeout
 * shares beside our own 5xx share and p95, and the list of this service's alerts, so the first
 * glance tells a FeexPay outage (no 5xx from us, payments pending) from one of ours.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { pct } from '../alerts/alert.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { eq, re, sel } from '../alerts/promql.ts';
import { recorded } from '../alerts/recording-names.ts';
import { AlertListPanelBuilder, redAbove, runbook, statPanel } from './panels.ts';
import { guardedRatio, quantile, sumBy } from './ratios.ts';
import { gw } from './selectors.ts';

export const TRIAGE_ROW = 'Whose fault is it';

export function triageRow(cfg: MonitoringConfig): dashboard.RowBuilder {
  const calls = (...m: string[]) => sel(recorded.instanceFeexpayCalls('5m'), ...gw(cfg), ...m);
  const share = (outcome: string) => guardedRatio(sumBy(calls(eq('outcome', outcome)), ['operation']), sumBy(calls(), ['operation']), ['operation']);
  const http = (...m: string[]) => sel(recorded.instanceHttpRequests('5m'), ...gw(cfg), ...m);
  const errors = cfg.feexpay.errorRatio;
  const timeouts = cfg.feexpay.timeoutRatio;
  const surge = cfg.api.serverErrorSurge;
  const common = { unit: 'percentunit', width: 4, height: 6, noValue: 'no calls' } as const;
  return new dashboard.RowBuilder(TRIAGE_ROW)
    .withPanel(
      statPanel({
        ...common,
        title: 'FeexPay errors (5m)',
        description: `Share of calls FeexPay answered 5xx, broke or garbled, per operation. Red from ${pct(errors.threshold)}, where FeexPayApiErrorsHigh pages: the outage is FeexPay's.`,
        thresholds: redAbove(errors.threshold),
        links: runbook(cfg, 'FeexPayApiErrorsHigh'),
        queries: [{ expr: share('error'), legend: '{{operation}}' }],
      }),
    )
    .withPanel(
      statPanel({
        ...common,
        title: 'FeexPay timeouts (5m)',
        description: `Share of calls that hit the client timeout (FeexPay hanging), per operation. Red from ${pct(timeouts.threshold)}, where FeexPayApiTimeoutsHigh pages.`,
        thresholds: redAbove(timeouts.threshold),
        links: runbook(cfg, 'FeexPayApiTimeoutsHigh'),
        queries: [{ expr: share('timeout'), legend: '{{operation}}' }],
      }),
    )
    .withPanel(
      statPanel({
        ...common,
        noValue: 'no requests',
        title: 'API 5xx (5m)',
        description: `Share of our API's requests answered 5xx. Red from ${pct(surge.threshold)} (FeexPayGatewayServerErrorSurge): the outage is ours. A FeexPay outage leaves this at 0: payments go pending instead.`,
        thresholds: redAbove(surge.threshold),
        links: runbook(cfg, 'FeexPayGatewayServerErrorSurge'),
        queries: [{ expr: guardedRatio(sumBy(http(re('status_code', '5..'))), sumBy(http()), []), legend: '5xx' }],
      }),
    )
    .withPanel(
      statPanel({
        ...common,
        unit: 's',
        noValue: 'no requests',
        title: 'API p95 (5m)',
        description: `95th percentile duration of our API's requests over 5 minutes; red from ${cfg.api.latencyP95Seconds} s.`,
        thresholds: redAbove(cfg.api.latencyP95Seconds),
        queries: [{ expr: quantile(0.95, sel(recorded.instanceHttpBuckets('5m'), ...gw(cfg))), legend: 'p95' }],
      }),
    )
    .withPanel(
      new AlertListPanelBuilder({
        title: 'FeexPay gateway alerts',
        description: 'Pending and firing alerts of this service in the selected environment, from Prometheus; each links to its runbook.',
        service: cfg.service,
        width: 8,
        height: 6,
      }),
    );
}
