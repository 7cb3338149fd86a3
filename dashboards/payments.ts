/**
 * FeexPay payments: whose fault an incident is, how many payments and how much money, how many
 * succeed, why the others fail, how FeexPay itself behaves, and whether settlement keeps up.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { serviceMetrics } from '../src/metrics/catalog.ts';
import { pct } from '../alerts/alert.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { DASHBOARD_UIDS } from '../alerts/links.ts';
import { eq, re, sel } from '../alerts/promql.ts';
import { recorded } from '../alerts/recording-names.ts';
import { baseDashboard, finish } from './layout.ts';
import { NO_LIMIT, redAbove, redBelow, runbook, statPanel, timeseriesPanel } from './panels.ts';
import { guardedRatio, quantile, sumBy } from './ratios.ts';
import { collectionRow } from './collection-row.ts';
import { reviewRow } from './review-row.ts';
import { settlementRow } from './settlement-row.ts';
import { payoutsRow } from './payouts-row.ts';
import { merchantEventsRow } from './merchant-events.ts';
import { gw, net, RATE } from './selectors.ts';
import { triageRow } from './triage.ts';

export const PAYMENTS_UID = DASHBOARD_UIDS.payments;

const m = serviceMetrics;

/** Successful over finished payments from the recorded per-replica rates over `w`. */
function successRatio(cfg: MonitoringConfig, w: '5m' | '30m', by: readonly string[] = []): string {
  const finished = (...x: string[]) => sel(recorded.instancePaymentsFinished(w), ...gw(cfg), net, ...x);
  return guardedRatio(sumBy(finished(eq('outcome', 'successful')), by), sumBy(finished(), by), by);
}

function overview(cfg: MonitoringConfig): dashboard.RowBuilder {
  const k = cfg.payments.successRate;
  const stuck = cfg.payments.stuckPending;
  return new dashboard.RowBuilder('Overview')
    .withPanel(
      statPanel({
        title: `Success rate (${k.window}, as alerted)`,
        description: `Successful over finished payments in the last ${k.window}, the ratio FeexPayPaymentSuccessRateLow reads (red under ${pct(k.threshold)}). Expired counts as unsuccessful.`,
        unit: 'percentunit',
        thresholds: redBelow(k.threshold),
        links: runbook(cfg, 'FeexPayPaymentSuccessRateLow'),
        noValue: 'none finished',
        queries: [{ expr: successRatio(cfg, '30m'), legend: 'success' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Payments started',
        description: 'Payments accepted and sent to FeexPay over the selected time range.',
        unit: 'short',
        decimals: 0,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum(increase(${sel(m.paymentsInitiated.name, ...gw(cfg), net)}[$__range]))`, legend: 'payments' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Oldest pending payment',
        description: `Age of the oldest payment still pending, from the database. FeexPayPaymentsStuckPending pages from ${stuck.maxAgeSeconds / 60} minutes.`,
        unit: 's',
        thresholds: redAbove(stuck.maxAgeSeconds),
        links: runbook(cfg, 'FeexPayPaymentsStuckPending'),
        queries: [{ expr: `max(${sel(m.paymentsOldestPending.name, ...gw(cfg))})`, legend: 'oldest' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Pending now',
        description: 'Payments waiting for a final status (webhook or reconciler), from the database.',
        unit: 'short',
        decimals: 0,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum(max by (network) (${sel(m.paymentsPending.name, ...gw(cfg), net)}))`, legend: 'pending' }],
      }),
    );
}

function volume(cfg: MonitoringConfig): dashboard.RowBuilder {
  return new dashboard.RowBuilder('Volume')
    .withPanel(
      timeseriesPanel({
        title: 'Payments started by network',
        description: 'Payments per second accepted by the API and sent to FeexPay, per mobile-money network.',
        unit: 'ops',
        stack: true,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (network) (rate(${sel(m.paymentsInitiated.name, ...gw(cfg), net)}[${RATE}]))`, legend: '{{network}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Money collected by network and currency',
        description: 'Amount collected by successful payments per minute, in whole currency units (XOF, XAF).',
        unit: 'short',
        stack: true,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (network, currency) (rate(${sel(m.amountCollected.name, ...gw(cfg), net)}[${RATE}])) * 60`, legend: '{{network}} {{currency}}' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Money collected in range',
        description: 'Total amount of successful payments over the selected time range, per currency, in whole units.',
        unit: 'short',
        decimals: 0,
        width: 24,
        height: 5,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (currency) (increase(${sel(m.amountCollected.name, ...gw(cfg), net)}[$__range]))`, legend: '{{currency}}' }],
      }),
    );
}

function success(cfg: MonitoringConfig): dashboard.RowBuilder {
  const k = cfg.payments.successRate;
  const finished = (...x: string[]) => sel(m.paymentsFinished.name, ...gw(cfg), net, ...x);
  return new dashboard.RowBuilder('Success and failures')
    .withPanel(
      timeseriesPanel({
        title: 'Success rate, overall and by network',
        description: `Successful over finished payments over 5 and 30 minutes (recorded), and per network over 30 minutes. The dashed line is the ${pct(k.threshold)} floor that pages. Gaps mean nothing finished: see the volume beside.`,
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: redBelow(k.threshold),
        width: 8,
        links: runbook(cfg, 'FeexPayPaymentSuccessRateLow'),
        queries: [
          { expr: successRatio(cfg, '5m'), legend: 'all networks, 5m' },
          { expr: successRatio(cfg, '30m'), legend: 'all networks, 30m' },
          { expr: successRatio(cfg, '30m', ['network']), legend: '{{network}}, 30m' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Payments finished by outcome',
        description: 'Volume behind the success rate: payments per minute reaching a final state (successful, failed or expired), over 5 minutes.',
        unit: 'short',
        stack: true,
        width: 8,
        thresholds: NO_LIMIT,
        queries: [{ expr: `${sumBy(sel(recorded.instancePaymentsFinished('5m'), ...gw(cfg), net), ['outcome'])} * 60`, legend: '{{outcome}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Failures by reason',
        description: 'Failed and expired payments per second, by failure reason class.',
        unit: 'ops',
        stack: true,
        width: 8,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (outcome, reason) (rate(${finished(re('outcome', 'failed|expired'))}[${RATE}]))`, legend: '{{outcome}}: {{reason}}' }],
      }),
    );
}

function feexpay(cfg: MonitoringConfig): dashboard.RowBuilder {
  const buckets = sel(recorded.instanceFeexpayBuckets('5m'), ...gw(cfg));
  const calls = (w: '5m' | '30m', ...x: string[]) => sel(recorded.instanceFeexpayCalls(w), ...gw(cfg), ...x);
  const share = (w: '5m' | '30m', outcome: string) => guardedRatio(sumBy(calls(w, eq('outcome', outcome)), ['operation']), sumBy(calls(w), ['operation']), ['operation']);
  const k = cfg.feexpay.errorRatio;
  return new dashboard.RowBuilder('FeexPay API')
    .withPanel(
      timeseriesPanel({
        title: 'FeexPay error and timeout share by operation',
        description: `Share of calls that failed at FeexPay or timed out, over 5 and 30 minutes. FeexPayApiErrorsHigh and FeexPayApiTimeoutsHigh page above ${pct(k.threshold)} over 5 minutes (dashed line).`,
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: redAbove(k.threshold),
        width: 8,
        links: runbook(cfg, 'FeexPayApiErrorsHigh'),
        queries: [
          { expr: share('5m', 'error'), legend: 'errors {{operation}}, 5m' },
          { expr: share('5m', 'timeout'), legend: 'timeouts {{operation}}, 5m' },
          { expr: share('30m', 'error'), legend: 'errors {{operation}}, 30m' },
          { expr: share('30m', 'timeout'), legend: 'timeouts {{operation}}, 30m' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'FeexPay API latency by operation',
        description: `p50, p95 and p99 duration of calls to FeexPay over 5 minutes. The alert fires on p95 above ${cfg.feexpay.latencyP95.thresholdSeconds} s (dashed line); timed-out calls read about their timeout (buckets at each client timeout).`,
        unit: 's',
        thresholds: redAbove(cfg.feexpay.latencyP95.thresholdSeconds),
        width: 8,
        links: runbook(cfg, 'FeexPayApiLatencyHigh'),
        queries: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, buckets, ['operation']), legend: `p${Math.round(q * 100)} {{operation}}` })),
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'FeexPay API calls by outcome',
        description: 'Calls per second to FeexPay over 5 minutes by operation and outcome (ok, failed = FeexPay declined the payment, timeout, error).',
        unit: 'reqps',
        stack: true,
        width: 8,
        thresholds: NO_LIMIT,
        queries: [{ expr: sumBy(calls('5m'), ['operation', 'outcome']), legend: '{{operation}} {{outcome}}' }],
      }),
    );
}

export function paymentsDashboard(cfg: MonitoringConfig): dashboard.Dashboard {
  return finish(
    baseDashboard(cfg, {
      uid: PAYMENTS_UID,
      title: 'FeexPay / Payments',
      description: 'Whose fault an incident is, payment volume, success rate, failures, FeexPay errors, timeouts and latency, and settlement of the FeexPay gateway.',
      jobs: [cfg.job],
      withNetwork: true,
    })
      .withRow(triageRow(cfg))
      .withRow(overview(cfg))
      .withRow(volume(cfg))
      .withRow(success(cfg))
      .withRow(collectionRow(cfg))
      .withRow(feexpay(cfg))
      .withRow(settlementRow(cfg))
      .withRow(reviewRow(cfg))
      .withRow(payoutsRow(cfg))
      .withRow(merchantEventsRow(cfg)),
  );
}
