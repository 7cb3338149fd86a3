/** Alerts on money going out: payouts failing, payouts FeexPay leaves pending, merchants hitting the daily cap. */
import { serviceMetrics } from '../../src/metrics/catalog.ts';
import { alert, pct } from '../alert.ts';
import type { MonitoringConfig } from '../config.ts';
import { by, eq, num, ratioOrZero, re, sel, series, sumIncrease, sumRate } from '../promql.ts';
import { JOB_LABELS } from '../recording.ts';
import type { AlertingRule } from '../types.ts';

const ON_JOB = `on (${JOB_LABELS.join(', ')})`;

export function payoutAlerts(cfg: MonitoringConfig): AlertingRule[] {
  const ratio = cfg.payouts.failureRatio;
  const stuck = cfg.payouts.stuckPending;
  const cap = cfg.payouts.capHits;
  const outcomes = (...m: string[]) => sel(series(serviceMetrics.payoutOutcomes), eq('job', cfg.job), ...m);
  const all = sumRate(outcomes(), ratio.window, JOB_LABELS);
  const bad = sumRate(outcomes(re('outcome', 'failed|needs_review')), ratio.window, JOB_LABELS);
  // The oldest-pending gauge is read from the database: every replica reports it, so max.
  const oldest = `max ${by(JOB_LABELS)} (${sel(series(serviceMetrics.payoutsOldestPending), eq('job', cfg.job))})`;
  const hits = sumIncrease(sel(series(serviceMetrics.payoutCapHits), eq('job', cfg.job)), '1h', JOB_LABELS);
  return [
    alert(cfg, {
      name: 'FeexPayPayoutFailureRatioHigh',
      knobs: ratio,
      component: 'payments',
      // A payout sent to review counts as not done: the merchant cannot rely on it either.
      expr: `(${ratioOrZero(bad, all, JOB_LABELS)}) > ${num(ratio.threshold)}\nand ${ON_JOB}\n${all} > ${num(ratio.minRatePerSecond)}`,
      summary: `More than ${pct(ratio.threshold)} of payouts fail or cannot be established.`,
      description:
        `{{ $value | humanizePercentage }} of the payouts that left pending on {{ $labels.job }} over the last ` +
        `${ratio.window} failed or went to review (limit ${pct(ratio.threshold)}).`,
      measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(ratio.threshold) },
    }),
    alert(cfg, {
      name: 'FeexPayPayoutsStuckPending',
      knobs: stuck,
      component: 'payments',
      expr: `${oldest} > ${num(stuck.maxAgeSeconds)}`,
      summary: 'A payout has been pending for too long: FeexPay has not said whether the money left.',
      description:
        `The oldest pending payout on {{ $labels.job }} is {{ $value | humanizeDuration }} old ` +
        `(limit ${stuck.maxAgeSeconds / 60} minutes). Its merchant must not pay it again meanwhile.`,
      measured: { value: '{{ $value | humanizeDuration }}', threshold: `${stuck.maxAgeSeconds / 60}m` },
    }),
    alert(cfg, {
      name: 'FeexPayPayoutCapHit',
      knobs: cap,
      component: 'payments',
      expr: `${hits} > ${num(cap.maxPerHour)}`,
      summary: 'Payouts were refused because a merchant reached its daily payout cap.',
      description:
        `{{ $value | printf "%.0f" }} payouts on {{ $labels.job }} were refused by the daily cap in the last hour: ` +
        `a merchant at its limit, or a runaway script or stolen key sending money out.`,
      measured: { value: '{{ $value | printf "%.0f" }} payouts', threshold: cap.maxPerHour === 0 ? 'any' : `${cap.maxPerHour} per hour` },
    }),
  ];
}
