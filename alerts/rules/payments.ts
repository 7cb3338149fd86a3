/** Alerts on the payment flow itself: success rate, stuck payments, and FeexPay's side of it. */
import { runtimeMetrics, serviceMetrics } from '../../src/metrics/catalog.ts';
import { alert, pct } from '../alert.ts';
import { durationSeconds, type MonitoringConfig } from '../config.ts';
import { by, eq, num, re, sel, series, sumIncrease, sumRate } from '../promql.ts';
import { JOB_LABELS } from '../recording.ts';
import { recorded } from '../recording-names.ts';
import type { AlertingRule } from '../types.ts';

const ON_JOB = `on (${JOB_LABELS.join(', ')})`;

export function successRateAlerts(cfg: MonitoringConfig): AlertingRule[] {
  const all = cfg.payments.successRate;
  const net = cfg.payments.networkSuccessRate;
  return [
    alert(cfg, {
      name: 'FeexPayPaymentSuccessRateLow',
      knobs: all,
      component: 'payments',
      // The volume guard keeps a quiet night (two payments, one failed) from paging anyone.
      expr:
        `${recorded.paymentSuccessRatio(all.window)}{${eq('job', cfg.job)}} < ${num(all.threshold)}\n` +
        `and ${ON_JOB}\n${recorded.paymentFinishedRate(all.window)}{${eq('job', cfg.job)}} > ${num(all.minRatePerSecond)}`,
      summary: `Payment success rate is below ${pct(all.threshold)}.`,
      description:
        `Only {{ $value | humanizePercentage }} of the payments that finished on {{ $labels.job }} ` +
        `over the last ${all.window} succeeded (floor ${pct(all.threshold)}).`,
    }),
    alert(cfg, {
      name: 'FeexPayNetworkSuccessRateLow',
      knobs: net,
      component: 'payments',
      expr:
        `${recorded.networkSuccessRatio(net.window)}{${eq('job', cfg.job)}} < ${num(net.threshold)}\n` +
        `and on (${[...JOB_LABELS, 'network'].join(', ')})\n` +
        `${recorded.networkFinishedRate(net.window)}{${eq('job', cfg.job)}} > ${num(net.minRatePerSecond)}`,
      summary: `Payment success rate on one mobile-money network is below ${pct(net.threshold)}.`,
      description:
        `Only {{ $value | humanizePercentage }} of {{ $labels.network }} payments on {{ $labels.job }} ` +
        `succeeded over the last ${net.window} (floor ${pct(net.threshold)}).`,
    }),
  ];
}

export function stuckPendingAlert(cfg: MonitoringConfig): AlertingRule {
  const k = cfg.payments.stuckPending;
  // Every replica reports the same database-wide backlog, so max (not sum) is the backlog.
  const pending = `max ${by(JOB_LABELS)} (${sel(series(serviceMetrics.paymentsPending), eq('job', cfg.job))})`;
  const finished = sumIncrease(sel(series(serviceMetrics.paymentsFinished), eq('job', cfg.job)), k.window, JOB_LABELS);
  const startTime = sel(series(runtimeMetrics.startTime), eq('job', cfg.job));
  return alert(cfg, {
    name: 'FeexPayPaymentsStuckPending',
    knobs: k,
    component: 'payments',
    // A finished counter that never existed means nothing finished either: count it as zero. A
    // process younger than the window has not seen it whole, so a restart does not page.
    expr:
      `${pending} > 0\nand ${ON_JOB}\n(${finished} or ${ON_JOB} (0 * ${pending})) < 1\n` +
      `and ${ON_JOB}\nmin ${by(JOB_LABELS)} (time() - ${startTime}) > ${durationSeconds(k.window)}`,
    summary: 'Payments are pending and none has settled for a long time.',
    description:
      `{{ $value }} payments are pending on {{ $labels.job }} and no payment reached a final state ` +
      `in the last ${k.window}: settlement (webhooks and reconciler) has stopped.`,
  });
}

export function feexpayAlerts(cfg: MonitoringConfig): AlertingRule[] {
  const lat = cfg.feexpay.latencyP95;
  const hooks = cfg.feexpay.webhookErrors;
  const wait = cfg.feexpay.reconcilerWait;
  const down = cfg.feexpay.operatorUnavailable;
  const unavailable = sel(series(serviceMetrics.paymentsFinished), eq('job', cfg.job), eq('reason', 'network_unavailable'));
  const deliveries = sel(series(serviceMetrics.webhookDeliveries), eq('job', cfg.job), re('result', hooks.results.join('|')));
  const calls = sel(series(serviceMetrics.feexpayRequestDuration, '_count'), eq('job', cfg.job));
  const oldestDue = sel(series(serviceMetrics.reconcilerOldestDue), eq('job', cfg.job));
  return [
    alert(cfg, {
      name: 'FeexPayApiLatencyHigh',
      knobs: lat,
      component: 'feexpay',
      // A p95 of a handful of calls is one slow call: the call-rate guard keeps it from paging.
      expr:
        `${recorded.feexpayLatencyP95(lat.window)}{${eq('job', cfg.job)}} > ${num(lat.thresholdSeconds)}\n` +
        `and on (${[...JOB_LABELS, 'operation'].join(', ')})\n` +
        `${sumRate(calls, lat.window, [...JOB_LABELS, 'operation'])} > ${num(lat.minRatePerSecond)}`,
      summary: `FeexPay API calls take longer than ${lat.thresholdSeconds} seconds at the 95th percentile.`,
      description:
        `95th percentile of FeexPay {{ $labels.operation }} calls from {{ $labels.job }} is ` +
        `{{ $value | humanizeDuration }} over the last ${lat.window} (limit ${lat.thresholdSeconds}s).`,
    }),
    alert(cfg, {
      name: 'FeexPayWebhookErrorsHigh',
      knobs: hooks,
      component: 'feexpay',
      expr: `${sumIncrease(deliveries, '1h', JOB_LABELS)} > ${num(hooks.maxPerHour)}`,
      summary: `More than ${hooks.maxPerHour} FeexPay webhooks per hour fail.`,
      description:
        `{{ $value | printf "%.0f" }} FeexPay webhook deliveries to {{ $labels.job }} ended in ` +
        `${hooks.results.join(' or ')} over the last hour (limit ${hooks.maxPerHour}).`,
    }),
    alert(cfg, {
      name: 'FeexPayOperatorUnavailable',
      knobs: down,
      component: 'feexpay',
      expr: `${sumIncrease(unavailable, down.window, [...JOB_LABELS, 'network'])} > ${num(down.maxFailures)}`,
      summary: 'FeexPay reports a mobile-money operator unavailable.',
      description:
        `{{ $value | printf "%.0f" }} {{ $labels.network }} payments on {{ $labels.job }} failed with ` +
        `"Network Unavailable" over the last ${down.window} (limit ${down.maxFailures}).`,
    }),
    alert(cfg, {
      name: 'FeexPayReconcilerLagging',
      knobs: wait,
      component: 'payments',
      expr: `max ${by(JOB_LABELS)} (${oldestDue}) > ${num(wait.thresholdSeconds)}`,
      summary: `The reconciler is more than ${wait.thresholdSeconds} seconds behind on pending payments.`,
      description:
        `The oldest pending payment due for a status check on {{ $labels.job }} has waited ` +
        `{{ $value | humanizeDuration }} past its due time (limit ${wait.thresholdSeconds}s).`,
    }),
  ];
}
