/** The Payouts row of the payments dashboard: money going out, what is still open, and the cap. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { serviceMetrics } from '../src/metrics/catalog.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { re, sel, series } from '../alerts/promql.ts';
import { NO_LIMIT, redAbove, runbook, statPanel, timeseriesPanel } from './panels.ts';
import { latencyQuantiles } from './quantiles.ts';
import { gw, net, RATE } from './selectors.ts';

const m = serviceMetrics;

export function payoutsRow(cfg: MonitoringConfig): dashboard.RowBuilder {
  const k = cfg.payouts;
  const q = (metric: (typeof m)[keyof typeof m], ...matchers: string[]) => sel(series(metric), ...gw(cfg), ...matchers);
  const payoutCalls = sel(series(m.feexpayRequestDuration, '_bucket'), ...gw(cfg), re('operation', 'payout|payout_status'));
  return new dashboard.RowBuilder('Payouts')
    .withPanel(
      timeseriesPanel({
        title: 'Payouts by outcome',
        description: `Payouts per second leaving pending, by outcome; needs_review means the outcome was not established. The alert fires above ${k.failureRatio.threshold * 100}% failed or under review.`,
        unit: 'ops',
        stack: true,
        thresholds: NO_LIMIT,
        links: runbook(cfg, 'FeexPayPayoutFailureRatioHigh'),
        queries: [{ expr: `sum by (outcome) (rate(${q(m.payoutOutcomes, net)}[${RATE}]))`, legend: '{{outcome}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Paid out',
        description: 'Money FeexPay confirmed sent by successful payouts, per currency, in the range of each point.',
        unit: 'short',
        decimals: 0,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (currency) (increase(${q(m.amountPaidOut, net)}[${RATE}]))`, legend: '{{currency}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Pending payouts',
        description: 'Payouts FeexPay has not settled yet, by network (database-wide: max across replicas).',
        unit: 'short',
        decimals: 0,
        stack: true,
        thresholds: NO_LIMIT,
        queries: [{ expr: `max by (network) (${q(m.payoutsPending, net)})`, legend: '{{network}}' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Oldest pending payout',
        description: `Age of the oldest pending payout; the alert fires above ${k.stuckPending.maxAgeSeconds / 60} minutes.`,
        unit: 's',
        thresholds: redAbove(k.stuckPending.maxAgeSeconds),
        links: runbook(cfg, 'FeexPayPayoutsStuckPending'),
        queries: [{ expr: `max(${q(m.payoutsOldestPending)})`, legend: 'oldest' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Payouts refused by the daily cap (1 h)',
        description: 'Payouts answered 422 payout_cap_exceeded in the last hour, per currency.',
        unit: 'short',
        decimals: 0,
        thresholds: redAbove(k.capHits.maxPerHour + 0.5),
        links: runbook(cfg, 'FeexPayPayoutCapHit'),
        queries: [{ expr: `sum by (currency) (increase(${q(m.payoutCapHits)}[1h]))`, legend: '{{currency}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'FeexPay payout call latency',
        description: 'p50, p95 and p99 of the transfer and payout-status calls.',
        unit: 's',
        thresholds: NO_LIMIT,
        queries: latencyQuantiles(payoutCalls, 'operation'),
      }),
    );
}
