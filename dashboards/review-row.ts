/** The Review row of the payments dashboard: what waits for an operator, and why. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MONEY_AT_RISK_CAUSES } from '../src/domain/payment-status.ts';
import { serviceMetrics } from '../src/metrics/catalog.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { re, sel } from '../alerts/promql.ts';
import { NO_LIMIT, redAbove, runbook, statPanel, timeseriesPanel } from './panels.ts';
import { gw, RATE } from './selectors.ts';

const m = serviceMetrics;

export function reviewRow(cfg: MonitoringConfig): dashboard.RowBuilder {
  const open = (...matchers: string[]) => sel(m.reviewItemsOpen.name, ...gw(cfg), ...matchers);
  return new dashboard.RowBuilder('Review')
    .withPanel(
      statPanel({
        title: 'Money on closed payments',
        description: 'Open review items where FeexPay confirmed money for a payment already expired or failed: each one pages.',
        unit: 'short',
        decimals: 0,
        thresholds: redAbove(0.5),
        links: runbook(cfg, 'FeexPayMoneyOnClosedPayment'),
        // Every replica reports the database-wide count: max per cause, then the sum.
        queries: [{ expr: `sum(max by (cause) (${open(re('cause', MONEY_AT_RISK_CAUSES.join('|')))}))`, legend: 'items' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Oldest review item',
        description: `Age of the oldest review item waiting for an operator; the alert fires above ${cfg.payments.reviewWaiting.maxAgeSeconds / 3600} h.`,
        unit: 's',
        thresholds: redAbove(cfg.payments.reviewWaiting.maxAgeSeconds),
        links: runbook(cfg, 'FeexPayReviewItemsWaiting'),
        queries: [{ expr: `max(${sel(m.reviewItemsOldest.name, ...gw(cfg))})`, legend: 'oldest' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Open review items by cause',
        description: 'Review items waiting for an operator, by why the service could not settle them by itself.',
        unit: 'short',
        decimals: 0,
        stack: true,
        thresholds: NO_LIMIT,
        queries: [{ expr: `max by (cause) (${open()})`, legend: '{{cause}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Payments sent to review',
        description: 'Payments per second moved to needs_review, by cause: a wave after a FeexPay outage is expected.',
        unit: 'ops',
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (cause) (rate(${sel(m.paymentsToReview.name, ...gw(cfg))}[${RATE}]))`, legend: '{{cause}}' }],
      }),
    );
}
