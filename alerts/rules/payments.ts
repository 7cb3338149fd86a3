/** Alerts on the payment flow itself: success rate, stuck payments, and FeexPay's side of it. */
import { serviceMetrics } from '../../src/metrics/catalog.ts';
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
        `Only {{ $value | humanizePercentage }} of the payments that finished on {{ $labels.job }} ` + `over the last ${all.window} succeeded (floor ${pct(all.threshold)}).`,
      measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(all.threshold) },
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
        `Only {{ $value | humanizePercentage }} of {{ $labels.network }} payments on {{ $labels.job }} ` + `succeeded over the last ${net.window} (floor ${pct(net.threshold)}).`,
      measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(net.threshold) },
    }),
  ];
}

export function stuckPendingAlert(cfg: MonitoringConfig): AlertingRule {
  const k = cfg.payments.stuckPending;
  // Every replica reports the same database-wide age, so max (not sum) is the age. It is read
  // from the database on each reconciler pass, so a rollout or a new replica reports it at once.
  const age = `max ${by(JOB_LABELS)} (${sel(series(serviceMetrics.paymentsOldestPending), eq('job', cfg.job))})`;
  const limit = humanDuration(k.maxAgeSeconds);
  return alert(cfg, {
    name: 'FeexPayPaymentsStuckPending',
    knobs: k,
    component: 'payments',
    expr: `${age} > ${num(k.maxAgeSeconds)}`,
    summary: 'A payment has stayed pending long past its deadline.',
    description:
      `The oldest pending payment on {{ $labels.job }} was created {{ $value | humanizeDuration }} ago ` +
      `(limit ${limit}): settlement (webhooks and reconciler) has stopped or is far behind.`,
    measured: { value: '{{ $value | humanizeDuration }}', threshold: limit },
  });
}

/** `4500` -> `1h 15m`: thresholds in sentences, as a person would write them. */
function humanDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].filter(Boolean).join(' ') || '0s';
}

const ON_OPERATION = `on (${[...JOB_LABELS, 'operation'].join(', ')})`;

/** FeexPay failing fast (errors) or hanging (timeouts), per operation, above a call-volume floor. */
function feexpayRatioAlert(cfg: MonitoringConfig, kind: 'error' | 'timeout'): AlertingRule {
  const k = kind === 'error' ? cfg.feexpay.errorRatio : cfg.feexpay.timeoutRatio;
  const ratioOf = kind === 'error' ? recorded.feexpayErrorRatio : recorded.feexpayTimeoutRatio;
  const ratio = ratioOf(k.window);
  const slow = k.sustained;
  const job = `{${eq('job', cfg.job)}}`;
  const what = kind === 'error' ? 'failed at FeexPay (5xx, broken connection or unreadable answer)' : 'timed out waiting for FeexPay';
  return alert(cfg, {
    name: kind === 'error' ? 'FeexPayApiErrorsHigh' : 'FeexPayApiTimeoutsHigh',
    knobs: k,
    component: 'feexpay',
    // The volume guards keep a quiet night (two calls, both failing) from paging anyone; the
    // second path catches an outage at low traffic over a longer window.
    expr:
      `(\n${ratio}${job} > ${num(k.threshold)}\n` +
      `and ${ON_OPERATION}\n${recorded.feexpayCallRate(k.window)}${job} > ${num(k.minRatePerSecond)}\n)\nor (\n` +
      `${ratioOf(slow.window)}${job} > ${num(slow.threshold)}\n` +
      `and ${ON_OPERATION}\n${recorded.feexpayCallRate(slow.window)}${job} * ${durationSeconds(slow.window)} >= ${num(slow.minCalls)}\n)`,
    summary: kind === 'error' ? 'FeexPay answers a large share of calls with errors.' : 'A large share of FeexPay calls time out.',
    description:
      `{{ $value | humanizePercentage }} of FeexPay {{ $labels.operation }} calls from {{ $labels.job }} ${what} ` +
      `over the last ${k.window} (limit ${pct(k.threshold)}), or over ${slow.window} at low traffic (limit ${pct(slow.threshold)} of at least ${slow.minCalls} calls). ` +
      `Payments wait pending until FeexPay answers again.`,
    measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(k.threshold) },
  });
}

export function feexpayAlerts(cfg: MonitoringConfig): AlertingRule[] {
  const lat = cfg.feexpay.latencyP95;
  const hooks = cfg.feexpay.webhookErrors;
  const probes = cfg.feexpay.webhookRejections;
  const wait = cfg.feexpay.reconcilerWait;
  const failing = cfg.feexpay.reconcilerFailing;
  const runs = (result: string) => sumIncrease(sel(series(serviceMetrics.reconcilerRuns), eq('job', cfg.job), eq('result', result)), failing.window, JOB_LABELS);
  const down = cfg.feexpay.operatorUnavailable;
  const unavailable = sel(series(serviceMetrics.paymentsFinished), eq('job', cfg.job), eq('reason', 'network_unavailable'));
  const deliveries = sel(series(serviceMetrics.webhookDeliveries), eq('job', cfg.job), re('result', hooks.results.join('|')));
  const rejected = sel(series(serviceMetrics.webhookDeliveries), eq('job', cfg.job), eq('result', 'rejected'));
  const accepted = sel(series(serviceMetrics.webhookDeliveries), eq('job', cfg.job), `result!="rejected"`);
  const allRejected = cfg.feexpay.webhooksAllRejected;
  const calls = sel(series(serviceMetrics.feexpayRequestDuration, '_count'), eq('job', cfg.job));
  const oldestDue = sel(series(serviceMetrics.reconcilerOldestDue), eq('job', cfg.job));
  return [
    feexpayRatioAlert(cfg, 'error'),
    feexpayRatioAlert(cfg, 'timeout'),
    alert(cfg, {
      name: 'FeexPayApiLatencyHigh',
      knobs: lat,
      component: 'feexpay',
      // A p95 of a handful of calls is one slow call: the call-rate guard keeps it from paging.
      expr:
        `${recorded.feexpayLatencyP95(lat.window)}{${eq('job', cfg.job)}} > ${num(lat.thresholdSeconds)}\n` +
        `and ${ON_OPERATION}\n` +
        `${sumRate(calls, lat.window, [...JOB_LABELS, 'operation'])} > ${num(lat.minRatePerSecond)}`,
      summary: `FeexPay API calls take longer than ${lat.thresholdSeconds} seconds at the 95th percentile.`,
      description:
        `95th percentile of FeexPay {{ $labels.operation }} calls from {{ $labels.job }} is ` +
        `{{ $value | humanizeDuration }} over the last ${lat.window} (limit ${lat.thresholdSeconds}s).`,
      measured: { value: '{{ $value | humanizeDuration }}', threshold: `${lat.thresholdSeconds}s` },
    }),
    alert(cfg, {
      name: 'FeexPayWebhookErrorsHigh',
      knobs: hooks,
      component: 'feexpay',
      expr: `${sumIncrease(deliveries, '1h', JOB_LABELS)} > ${num(hooks.maxPerHour)}`,
      summary: `More than ${hooks.maxPerHour} FeexPay webhooks per hour fail.`,
      description:
        `{{ $value | printf "%.0f" }} FeexPay webhook deliveries to {{ $labels.job }} ended in ` + `${hooks.results.join(' or ')} over the last hour (limit ${hooks.maxPerHour}).`,
      measured: { value: '{{ $value | printf "%.0f" }} per hour', threshold: `${hooks.maxPerHour} per hour` },
    }),
    alert(cfg, {
      name: 'FeexPayWebhookRejectionsHigh',
      knobs: probes,
      component: 'feexpay',
      // Anyone can POST a wrong token: this is a security signal (probing, or our token rotated
      // without FeexPay's side), kept apart from handling errors and never a page.
      expr: `${sumIncrease(rejected, '1h', JOB_LABELS)} > ${num(probes.maxPerHour)}`,
      summary: `More than ${probes.maxPerHour} webhook deliveries per hour are rejected as not from FeexPay.`,
      description:
        `{{ $value | printf "%.0f" }} deliveries to {{ $labels.job }} were rejected (wrong token or unreadable body) ` +
        `over the last hour (limit ${probes.maxPerHour}): probing from the internet, or a token or format mismatch with FeexPay.`,
      measured: { value: '{{ $value | printf "%.0f" }} per hour', threshold: `${probes.maxPerHour} per hour` },
    }),
    alert(cfg, {
      name: 'FeexPayWebhooksAllRejected',
      knobs: allRejected,
      component: 'feexpay',
      expr: `${sumIncrease(rejected, '1h', JOB_LABELS)} >= ${num(allRejected.minRejected)}\nunless ${ON_JOB}\n${sumIncrease(accepted, '1h', JOB_LABELS)} > 0`,
      summary: 'Every FeexPay webhook delivery of the last hour was rejected: settlements now wait for the reconciler.',
      description:
        `{{ $value | printf "%.0f" }} deliveries to {{ $labels.job }} were rejected over the last hour and none accepted: ` +
        `a webhook token or callback URL out of step with FeexPay's side. Payments settle only by status polling meanwhile.`,
      measured: { value: '{{ $value | printf "%.0f" }} rejected, 0 accepted in 1h', threshold: `${allRejected.minRejected} rejected and none accepted` },
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
      measured: { value: `{{ $value | printf "%.0f" }} in ${down.window}`, threshold: `${down.maxFailures} in ${down.window}` },
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
      measured: { value: '{{ $value | humanizeDuration }}', threshold: `${wait.thresholdSeconds}s` },
    }),
    alert(cfg, {
      name: 'FeexPayReconcilerFailing',
      knobs: failing,
      component: 'payments',
      // Across instances: one replica failing while another succeeds still reconciles. No `ok`
      // series at all (no pass ever succeeded since the start) leaves nothing to subtract.
      expr: `${runs('error')} > 0\nunless ${ON_JOB}\n${runs('ok')} > 0`,
      summary: 'Every reconciler pass fails: pending payments are no longer checked or expired.',
      description:
        `{{ $value | printf "%.0f" }} reconciler passes on {{ $labels.job }} failed over the last ${failing.window} and none succeeded. ` +
        `The pending, lag and review gauges keep their last values meanwhile, so their alerts cannot fire.`,
      measured: { value: `{{ $value | printf "%.0f" }} failed passes in ${failing.window}`, threshold: `no successful pass in ${failing.window}` },
    }),
  ];
}
