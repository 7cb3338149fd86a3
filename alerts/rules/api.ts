/**
 * Availability of our own API as multi-window multi-burn-rate alerts (SRE workbook): page when
 * the 30-day error budget burns fast on both a long and a short window, ticket when it burns slowly.
 */
import { alert, pct } from '../alert.ts';
import type { BurnWindow, MonitoringConfig } from '../config.ts';
import { eq, num } from '../promql.ts';
import { JOB_LABELS } from '../recording.ts';
import { recorded } from '../recording-names.ts';
import type { AlertingRule } from '../types.ts';

const ON_JOB = `on (${JOB_LABELS.join(', ')})`;

function burnAlert(cfg: MonitoringConfig, w: BurnWindow): AlertingRule {
  const objective = cfg.api.availabilityObjective;
  const budget = num(1 - objective);
  const factor = num(w.factor);
  const job = `{${eq('job', cfg.job)}}`;
  return alert(cfg, {
    name: 'FeexPayGatewayErrorBudgetBurn',
    knobs: w,
    component: 'api',
    labels: { long_window: w.long, short_window: w.short },
    // Written as burn rates (error ratio over the budget), so $value is the measured burn over the
    // long window and a notification can print it beside the factor it crossed.
    expr:
      `${recorded.httpErrorRatio(w.long)}${job} / ${budget} > ${factor}\n` +
      `and ${ON_JOB}\n${recorded.httpErrorRatio(w.short)}${job} / ${budget} > ${factor}\n` +
      `and ${ON_JOB}\n${recorded.httpRequestRate(w.long)}${job} > ${num(cfg.api.burnMinRatePerSecond)}`,
    summary: `The API is burning its ${pct(objective)} availability error budget too fast.`,
    description:
      `Requests to {{ $labels.job }} failing with 5xx burn the error budget {{ $value | printf "%.1f" }}x as fast ` +
      `as the ${pct(objective)} objective allows over the last ${w.long} (threshold ${w.factor}x, also exceeded over ${w.short}).`,
    measured: { value: '{{ $value | printf "%.1f" }}x', threshold: `${w.factor}x` },
  });
}

function serverErrorSurge(cfg: MonitoringConfig): AlertingRule {
  const k = cfg.api.serverErrorSurge;
  const job = `{${eq('job', cfg.job)}}`;
  return alert(cfg, {
    name: 'FeexPayGatewayServerErrorSurge',
    knobs: k,
    component: 'api',
    expr: `${recorded.httpErrorRatio(k.window)}${job} > ${num(k.threshold)}\n` + `and ${ON_JOB}\n${recorded.httpRequestRate(k.window)}${job} > ${num(k.minRatePerSecond)}`,
    summary: `More than ${pct(k.threshold)} of API requests fail with a server error.`,
    description: `{{ $value | humanizePercentage }} of requests to {{ $labels.job }} answered 5xx over the last ` + `${k.window} (limit ${pct(k.threshold)}).`,
    measured: { value: '{{ $value | humanizePercentage }}', threshold: pct(k.threshold) },
  });
}

export function apiAlerts(cfg: MonitoringConfig): AlertingRule[] {
  return [...cfg.api.burnWindows.map((w) => burnAlert(cfg, w)), serverErrorSurge(cfg)];
}
