/** The payments dashboard's "Webhooks and reconciler" row: whether settlement keeps up. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { serviceMetrics } from '../src/metrics/catalog.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { eq, re, sel } from '../alerts/promql.ts';
import { NO_LIMIT, redAbove, runbook, timeseriesPanel } from './panels.ts';
import { gw, net, RATE } from './selectors.ts';

const m = serviceMetrics;

export function settlementRow(cfg: MonitoringConfig): dashboard.RowBuilder {
  const hooks = cfg.feexpay.webhookErrors;
  const probes = cfg.feexpay.webhookRejections;
  const deliveries = (...x: string[]) => sel(m.webhookDeliveries.name, ...gw(cfg), ...x);
  const stuck = cfg.payments.stuckPending;
  return new dashboard.RowBuilder('Webhooks and reconciler')
    .withPanel(
      timeseriesPanel({
        title: 'Webhook deliveries by result',
        description: 'FeexPay webhook deliveries per second by what the service did with them.',
        unit: 'ops',
        stack: true,
        width: 8,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (result) (rate(${deliveries()}[${RATE}]))`, legend: '{{result}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Webhook errors per hour',
        description: `Deliveries ending in ${hooks.results.join(' or ')} over the last hour; the alert fires above ${hooks.maxPerHour}.`,
        unit: 'short',
        decimals: 0,
        width: 8,
        thresholds: redAbove(hooks.maxPerHour),
        links: runbook(cfg, 'FeexPayWebhookErrorsHigh'),
        queries: [{ expr: `sum(increase(${deliveries(re('result', hooks.results.join('|')))}[1h]))`, legend: 'errors in the last hour' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Rejected deliveries per hour',
        description: `Deliveries rejected (wrong token or not a FeexPay body) over the last hour: probing, or a token or format mismatch with FeexPay. Reported (never paged) above ${probes.maxPerHour}.`,
        unit: 'short',
        decimals: 0,
        width: 8,
        thresholds: redAbove(probes.maxPerHour),
        links: runbook(cfg, 'FeexPayWebhookRejectionsHigh'),
        queries: [{ expr: `sum(increase(${deliveries(eq('result', 'rejected'))}[1h]))`, legend: 'rejected in the last hour' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Pending backlog by network',
        description: 'Payments currently pending, per network. A backlog that only grows means settlement stopped.',
        unit: 'short',
        decimals: 0,
        width: 6,
        stack: true,
        thresholds: NO_LIMIT,
        links: runbook(cfg, 'FeexPayPaymentsStuckPending'),
        queries: [{ expr: `max by (network) (${sel(m.paymentsPending.name, ...gw(cfg), net)})`, legend: '{{network}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Oldest pending payment',
        description: `Age of the oldest pending payment, from the database; FeexPayPaymentsStuckPending pages above ${stuck.maxAgeSeconds / 60} minutes (dashed line).`,
        unit: 's',
        width: 6,
        thresholds: redAbove(stuck.maxAgeSeconds),
        links: runbook(cfg, 'FeexPayPaymentsStuckPending'),
        queries: [{ expr: `max(${sel(m.paymentsOldestPending.name, ...gw(cfg))})`, legend: 'oldest pending' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Reconciler wait',
        description: `Wait of the oldest pending payment past its due check; the alert fires above ${cfg.feexpay.reconcilerWait.thresholdSeconds} s.`,
        unit: 's',
        width: 6,
        thresholds: redAbove(cfg.feexpay.reconcilerWait.thresholdSeconds),
        links: runbook(cfg, 'FeexPayReconcilerLagging'),
        queries: [{ expr: `max(${sel(m.reconcilerOldestDue.name, ...gw(cfg))})`, legend: 'oldest due' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Reconciler checks by decision',
        description: 'Pending payments checked per second by the reconciler, by what the check decided; and failed passes.',
        unit: 'ops',
        width: 6,
        thresholds: NO_LIMIT,
        queries: [
          { expr: `sum by (outcome) (rate(${sel(m.reconcilerChecks.name, ...gw(cfg))}[${RATE}]))`, legend: '{{outcome}}' },
          { expr: `sum(rate(${sel(m.reconcilerRuns.name, ...gw(cfg), eq('result', 'error'))}[${RATE}]))`, legend: 'failed passes' },
        ],
      }),
    );
}
