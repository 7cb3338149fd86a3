/** Alerts on payments the service could not settle by itself: review items waiting for a person. */
import { MONEY_AT_RISK_CAUSES } from '../../src/domain/payment-status.ts';
import { serviceMetrics } from '../../src/metrics/catalog.ts';
import { alert } from '../alert.ts';
import type { MonitoringConfig } from '../config.ts';
import { by, eq, num, re, sel, series } from '../promql.ts';
import { JOB_LABELS } from '../recording.ts';
import type { AlertingRule } from '../types.ts';

export function reviewAlerts(cfg: MonitoringConfig): AlertingRule[] {
  const waiting = cfg.payments.reviewWaiting;
  // Both gauges are read from the database, so every replica reports the same value: max, not sum.
  const oldest = `max ${by(JOB_LABELS)} (${sel(series(serviceMetrics.reviewItemsOldest), eq('job', cfg.job))})`;
  const atRisk = `sum ${by(JOB_LABELS)} (max ${by([...JOB_LABELS, 'cause'])} (${sel(
    series(serviceMetrics.reviewItemsOpen),
    eq('job', cfg.job),
    re('cause', MONEY_AT_RISK_CAUSES.join('|')),
  )}))`;
  return [
    alert(cfg, {
      name: 'FeexPayReviewItemsWaiting',
      knobs: waiting,
      component: 'payments',
      expr: `${oldest} > ${num(waiting.maxAgeSeconds)}`,
      summary: 'A payment whose outcome is not established has waited too long for an operator.',
      description:
        `The oldest open review item on {{ $labels.job }} has waited {{ $value | humanizeDuration }} ` +
        `(limit ${waiting.maxAgeSeconds / 3600}h). Its merchant sees needs_review until someone decides.`,
      measured: { value: '{{ $value | humanizeDuration }}', threshold: `${waiting.maxAgeSeconds / 3600}h` },
    }),
    alert(cfg, {
      name: 'FeexPayMoneyOnClosedPayment',
      knobs: cfg.payments.moneyAtRisk,
      component: 'payments',
      expr: `${atRisk} > 0`,
      summary: 'FeexPay reports money collected for a payment the merchant saw closed.',
      description:
        `{{ $value | printf "%.0f" }} open review items on {{ $labels.job }} say FeexPay collected money ` +
        `for a payment already expired or failed (or refused one already successful). Resolve each in /admin.`,
      measured: { value: '{{ $value | printf "%.0f" }} items', threshold: 'any' },
    }),
  ];
}
