/**
 * FeexPay payments: how many payments and how much money, how many succeed, why the others fail,
 * how FeexPay itself behaves, and whether settlement (webhooks, reconciler) keeps up.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { serviceMetrics } from '../src/metrics/catalog.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { eq, re, sel, series } from '../alerts/promql.ts';
import { recorded } from '../alerts/recording-names.ts';
import { baseDashboard, finish } from './layout.ts';
import { redAbove, redBelow, runbook, statPanel, timeseriesPanel } from './panels.ts';
import { latencyQuantiles } from './quantiles.ts';
import { reviewRow } from './review-row.ts';
import { payoutsRow } from './payouts-row.ts';
import { sqlPanels, SQL_ROW } from './sql-panels.ts';
import { gw, net, RATE } from './selectors.ts';

export const PAYMENTS_UID = 'feexpay-payments';

const m = serviceMetrics;

function overview(cfg: MonitoringConfig): dashboard.RowBuilder {
  const k = cfg.payments.successRate;
  return new dashboard.RowBuilder('Overview')
    .withPanel(statPanel({
      title: `Success rate (${k.window}, as alerted)`,
      description: `Successful over finished payments in the last ${k.window}: the ratio the success-rate alert reads. Expired counts as unsuccessful.`,
      unit: 'percentunit', thresholds: redBelow(k.threshold), links: runbook(cfg, 'FeexPayPaymentSuccessRateLow'),
      queries: [{ expr: `${recorded.paymentSuccessRatio(k.window)}{${gw(cfg).join(',')}}`, legend: '{{namespace}}' }],
    }))
    .withPanel(statPanel({
      title: 'Payments started',
      description: 'Payments accepted and sent to FeexPay over the selected time range.',
      unit: 'short',
      queries: [{ expr: `sum(increase(${sel(m.paymentsInitiated.name, ...gw(cfg), net)}[$__range]))`, legend: 'payments' }],
    }))
    .withPanel(statPanel({
      title: 'Pending now',
      description: 'Payments waiting for a final status (webhook or reconciler).',
      unit: 'short',
      queries: [{ expr: `sum(max by (network) (${sel(m.paymentsPending.name, ...gw(cfg), net)}))`, legend: 'pending' }],
    }))
    .withPanel(statPanel({
      title: 'Reconciler wait',
      description: 'How long the oldest pending payment due for a status check has waited past its due time.',
      unit: 's', thresholds: redAbove(cfg.feexpay.reconcilerWait.thresholdSeconds), links: runbook(cfg, 'FeexPayReconcilerLagging'),
      queries: [{ expr: `max(${sel(m.reconcilerOldestDue.name, ...gw(cfg))})`, legend: 'wait' }],
    }));
}

function volume(cfg: MonitoringConfig): dashboard.RowBuilder {
  return new dashboard.RowBuilder('Volume')
    .withPanel(timeseriesPanel({
      title: 'Payments started by network',
      description: 'Payments per second accepted by the API and sent to FeexPay, per mobile-money network.',
      unit: 'ops', stack: true,
      queries: [{ expr: `sum by (network) (rate(${sel(m.paymentsInitiated.name, ...gw(cfg), net)}[${RATE}]))`, legend: '{{network}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Money collected by network and currency',
      description: 'Amount collected by successful payments per minute, in whole currency units (XOF, XAF).',
      unit: 'short', stack: true,
      queries: [{ expr: `sum by (network, currency) (rate(${sel(m.amountCollected.name, ...gw(cfg), net)}[${RATE}])) * 60`, legend: '{{network}} {{currency}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Payments finished by outcome',
      description: 'Payments per second reaching a final state: successful, failed or expired.',
      unit: 'ops', stack: true,
      queries: [{ expr: `sum by (outcome) (rate(${sel(m.paymentsFinished.name, ...gw(cfg), net)}[${RATE}]))`, legend: '{{outcome}}' }],
    }))
    .withPanel(statPanel({
      title: 'Money collected in range',
      description: 'Total amount of successful payments over the selected time range, per currency.',
      unit: 'short', width: 12, height: 8,
      queries: [{ expr: `sum by (currency) (increase(${sel(m.amountCollected.name, ...gw(cfg), net)}[$__range]))`, legend: '{{currency}}' }],
    }));
}

function success(cfg: MonitoringConfig): dashboard.RowBuilder {
  const finished = (...extra: string[]) => sel(m.paymentsFinished.name, ...gw(cfg), net, ...extra);
  const ratio = (by: string) =>
    `sum${by} (rate(${finished(eq('outcome', 'successful'))}[${RATE}]))\n/\nsum${by} (rate(${finished()}[${RATE}]))`;
  return new dashboard.RowBuilder('Success and failures')
    .withPanel(timeseriesPanel({
      title: 'Success rate, overall and by network',
      description: `Successful over finished payments. The dashed line is the ${cfg.payments.successRate.threshold * 100}% floor that pages.`,
      unit: 'percentunit', min: 0, max: 1, thresholds: redBelow(cfg.payments.successRate.threshold),
      links: runbook(cfg, 'FeexPayPaymentSuccessRateLow'),
      queries: [{ expr: ratio(''), legend: 'all networks' }, { expr: ratio(' by (network)'), legend: '{{network}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Failures by reason',
      description: 'Failed and expired payments per second, by failure reason class.',
      unit: 'ops', stack: true,
      queries: [{ expr: `sum by (outcome, reason) (rate(${finished(re('outcome', 'failed|expired'))}[${RATE}]))`, legend: '{{outcome}}: {{reason}}' }],
    }));
}

function feexpay(cfg: MonitoringConfig): dashboard.RowBuilder {
  const buckets = sel(series(m.feexpayRequestDuration, '_bucket'), ...gw(cfg));
  return new dashboard.RowBuilder('FeexPay API')
    .withPanel(timeseriesPanel({
      title: 'FeexPay API latency by operation',
      description: `p50, p95 and p99 duration of calls to FeexPay. The alert fires on p95 above ${cfg.feexpay.latencyP95.thresholdSeconds} s (dashed line).`,
      unit: 's', thresholds: redAbove(cfg.feexpay.latencyP95.thresholdSeconds), links: runbook(cfg, 'FeexPayApiLatencyHigh'),
      queries: latencyQuantiles(buckets, 'operation'),
    }))
    .withPanel(timeseriesPanel({
      title: 'FeexPay API calls by outcome',
      description: 'Calls per second to FeexPay by operation and outcome (ok, failed, timeout, error).',
      unit: 'reqps', stack: true,
      queries: [{ expr: `sum by (operation, outcome) (rate(${sel(series(m.feexpayRequestDuration, '_count'), ...gw(cfg))}[${RATE}]))`, legend: '{{operation}} {{outcome}}' }],
    }));
}

function settlement(cfg: MonitoringConfig): dashboard.RowBuilder {
  const hooks = cfg.feexpay.webhookErrors;
  return new dashboard.RowBuilder('Webhooks and reconciler')
    .withPanel(timeseriesPanel({
      title: 'Webhook deliveries by result',
      description: 'FeexPay webhook deliveries per second by what the service did with them.',
      unit: 'ops', stack: true, width: 8,
      queries: [{ expr: `sum by (result) (rate(${sel(m.webhookDeliveries.name, ...gw(cfg))}[${RATE}]))`, legend: '{{result}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Webhook errors per hour',
      description: `Deliveries ending in ${hooks.results.join(' or ')} over the last hour; the alert fires above ${hooks.maxPerHour}.`,
      unit: 'short', width: 8, thresholds: redAbove(hooks.maxPerHour), links: runbook(cfg, 'FeexPayWebhookErrorsHigh'),
      queries: [{ expr: `sum(increase(${sel(m.webhookDeliveries.name, ...gw(cfg), re('result', hooks.results.join('|')))}[1h]))`, legend: 'errors in the last hour' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Pending backlog by network',
      description: 'Payments currently pending, per network. A backlog that only grows means settlement stopped.',
      unit: 'short', width: 8, stack: true, links: runbook(cfg, 'FeexPayPaymentsStuckPending'),
      queries: [{ expr: `max by (network) (${sel(m.paymentsPending.name, ...gw(cfg), net)})`, legend: '{{network}}' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Reconciler wait',
      description: `Wait of the oldest pending payment past its due check; the alert fires above ${cfg.feexpay.reconcilerWait.thresholdSeconds} s.`,
      unit: 's', thresholds: redAbove(cfg.feexpay.reconcilerWait.thresholdSeconds), links: runbook(cfg, 'FeexPayReconcilerLagging'),
      queries: [{ expr: `max(${sel(m.reconcilerOldestDue.name, ...gw(cfg))})`, legend: 'oldest due' }],
    }))
    .withPanel(timeseriesPanel({
      title: 'Reconciler checks by decision',
      description: 'Pending payments checked per second by the reconciler, by what the check decided; and failed passes.',
      unit: 'ops',
      queries: [
        { expr: `sum by (outcome) (rate(${sel(m.reconcilerChecks.name, ...gw(cfg))}[${RATE}]))`, legend: '{{outcome}}' },
        { expr: `sum(rate(${sel(m.reconcilerRuns.name, ...gw(cfg), eq('result', 'error'))}[${RATE}]))`, legend: 'failed passes' },
      ],
    }));
}

export function paymentsDashboard(cfg: MonitoringConfig): dashboard.Dashboard {
  return finish(
    baseDashboard(cfg, {
      uid: PAYMENTS_UID,
      title: 'FeexPay / Payments',
      description: 'Payment volume, success rate, failures, FeexPay latency and settlement of the FeexPay gateway.',
      withNetwork: true,
      withPostgres: true,
    })
      .withRow(overview(cfg))
      .withRow(volume(cfg))
      .withRow(success(cfg))
      .withRow(feexpay(cfg))
      .withRow(settlement(cfg))
      .withRow(reviewRow(cfg))
      .withRow(payoutsRow(cfg))
      .withRow(sqlPanels()),
    // SQL panels hit the primary database: opened on demand, not on every dashboard load.
    [SQL_ROW],
  );
}
