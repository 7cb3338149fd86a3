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
  const limit = num(w.factor * (1 - objective));
  const job = `{${eq('job', cfg.job)}}`;
  return alert(cfg, {
    name: 'FeexPayGatewayErrorBudgetBurn',
    knobs: w,
    component: 'api',
    labels: { long_window: w.long, short_window: w.short },
    expr:
      `${recorded.httpErrorRatio(w.long)}${job} > ${limit}\n` +
      `and ${ON_JOB}\n${recorded.httpErrorRatio(w.short)}${job} > ${limit}\n` +
      `and ${ON_JOB}\n${recorded.httpRequestRate(w.long)}${job} > ${num(cfg.api.burnMinRatePerSecond)}`,
    summary: `The API is burning its ${pct(objective)} availability error budget too fast.`,
    description:
      `{{ $value | humanizePercentage }} of requests to {{ $labels.job }} failed with 5xx over the last ` +
      `${w.long} (and over ${w.short}): ${w.factor}x the rate the ${pct(objective)} objective allows.`,
  });
}

function serverErrorSurge(cfg: MonitoringConfig): AlertingRule {
  const k = cfg.api.serverErrorSurge;
  const job = `{${eq('job', cfg.job)}}`;
  return alert(cfg, {
    name: 'FeexPayGatewayServerErrorSurge',
    knobs: k,
    component: 'api',
    expr:
      `${recorded.httpErrorRatio(k.window)}${job} > ${num(k.threshold)}\n` +
      `and ${ON_JOB}\n${recorded.httpRequestRate(k.window)}${job} > ${num(k.minRatePerSecond)}`,
    summary: `More than ${pct(k.threshold)} of API requests fail with a server error.`,
    description:
      `{{ $value | humanizePercentage }} of requests to {{ $labels.job }} answered 5xx over the last ` +
      `${k.window} (limit ${pct(k.threshold)}).`,
  });
}

export function apiAlerts(cfg: MonitoringConfig): AlertingRule[] {
  return [...cfg.api.burnWindows.map((w) => burnAlert(cfg, w)), serverErrorSurge(cfg)];
}
