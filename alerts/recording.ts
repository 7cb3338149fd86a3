/**
 * Recording rules: each shared ratio is computed once per window and reused by alerts and
 * dashboards, so both always agree on what "success rate" and "availability" mean.
 */
import { serviceMetrics, httpMetrics } from '../src/metrics/catalog.ts';
import { durationSeconds, type Duration, type MonitoringConfig } from './config.ts';
import { eq, ratioOrZero, re, sel, series, sumRate } from './promql.ts';
import { AVAILABILITY_WINDOWS, DASHBOARD_WINDOWS, PAYMENT_RATIO_WINDOWS, recorded } from './recording-names.ts';
import type { RecordingRule, RuleGroup } from './types.ts';

/** Labels every recorded series keeps: one series per deployment, namespace-aware in Kubernetes. */
export const JOB_LABELS = ['job', 'namespace'] as const;
const NETWORK_LABELS = [...JOB_LABELS, 'network'] as const;

/** Expired payments count as unsuccessful: the customer was not charged and the merchant not paid. */
function paymentRules(cfg: MonitoringConfig, w: Duration, labels: readonly string[]): RecordingRule[] {
  const finished = series(serviceMetrics.paymentsFinished);
  const all = sumRate(sel(finished, eq('job', cfg.job)), w, labels);
  const ok = sumRate(sel(finished, eq('job', cfg.job), eq('outcome', 'successful')), w, labels);
  const perNetwork = labels.includes('network');
  return [
    { record: perNetwork ? recorded.networkFinishedRate(w) : recorded.paymentFinishedRate(w), expr: all },
    {
      record: perNetwork ? recorded.networkSuccessRatio(w) : recorded.paymentSuccessRatio(w),
      expr: ratioOrZero(ok, all, labels),
    },
  ];
}

function availabilityRules(cfg: MonitoringConfig, w: Duration): RecordingRule[] {
  const count = series(httpMetrics.requestDuration, '_count');
  const all = sumRate(sel(count, eq('job', cfg.job)), w, JOB_LABELS);
  const errors = sumRate(sel(count, eq('job', cfg.job), re('status_code', '5..')), w, JOB_LABELS);
  return [
    { record: recorded.httpRequestRate(w), expr: all },
    { record: recorded.httpErrorRatio(w), expr: ratioOrZero(errors, all, JOB_LABELS) },
  ];
}

function feexpayLatencyRule(cfg: MonitoringConfig): RecordingRule {
  const w = cfg.feexpay.latencyP95.window;
  const buckets = sel(series(serviceMetrics.feexpayRequestDuration, '_bucket'), eq('job', cfg.job));
  return {
    record: recorded.feexpayLatencyP95(w),
    expr: `histogram_quantile(0.95, ${sumRate(buckets, w, [...JOB_LABELS, 'operation', 'le'])})`,
  };
}

/** FeexPay's own health per operation: call volume, and the shares that failed at FeexPay or timed out. */
function feexpayCallRules(cfg: MonitoringConfig, w: Duration): RecordingRule[] {
  const count = series(serviceMetrics.feexpayRequestDuration, '_count');
  const labels = [...JOB_LABELS, 'operation'];
  const all = sumRate(sel(count, eq('job', cfg.job)), w, labels);
  const of = (outcome: string) => sumRate(sel(count, eq('job', cfg.job), eq('outcome', outcome)), w, labels);
  return [
    { record: recorded.feexpayCallRate(w), expr: all },
    { record: recorded.feexpayErrorRatio(w), expr: ratioOrZero(of('error'), all, labels) },
    { record: recorded.feexpayTimeoutRatio(w), expr: ratioOrZero(of('timeout'), all, labels) },
  ];
}

export function feexpayRatioWindows(cfg: MonitoringConfig): Duration[] {
  const f = cfg.feexpay;
  return windows(DASHBOARD_WINDOWS, [f.errorRatio.window, f.timeoutRatio.window, f.errorRatio.sustained.window, f.timeoutRatio.sustained.window]);
}

/** Per-replica rates the dashboards sum under their $instance selection. */
function instanceRules(cfg: MonitoringConfig, w: Duration): RecordingRule[] {
  const job = eq('job', cfg.job);
  const perInstance = [...JOB_LABELS, 'instance'];
  const fx = serviceMetrics.feexpayRequestDuration;
  const http = httpMetrics.requestDuration;
  return [
    { record: recorded.instanceFeexpayCalls(w), expr: sumRate(sel(series(fx, '_count'), job), w, [...perInstance, 'operation', 'outcome']) },
    { record: recorded.instanceFeexpayBuckets(w), expr: sumRate(sel(series(fx, '_bucket'), job), w, [...perInstance, 'operation', 'le']) },
    { record: recorded.instancePaymentsFinished(w), expr: sumRate(sel(series(serviceMetrics.paymentsFinished), job), w, [...perInstance, 'network', 'outcome']) },
    { record: recorded.instanceHttpRequests(w), expr: sumRate(sel(series(http, '_count'), job), w, [...perInstance, 'status_code']) },
    { record: recorded.instanceHttpBuckets(w), expr: sumRate(sel(series(http, '_bucket'), job), w, [...perInstance, 'le']) },
  ];
}

/** The default windows plus any a tuned configuration asks for, in a stable order. */
function windows(defaults: readonly Duration[], extra: readonly Duration[]): Duration[] {
  return [...new Set([...defaults, ...extra])].sort((a, b) => durationSeconds(a) - durationSeconds(b));
}

export function paymentRatioWindows(cfg: MonitoringConfig): Duration[] {
  return windows(PAYMENT_RATIO_WINDOWS, [cfg.payments.successRate.window]);
}

export function availabilityWindows(cfg: MonitoringConfig): Duration[] {
  const burn = cfg.api.burnWindows.flatMap((b) => [b.long, b.short]);
  return windows(AVAILABILITY_WINDOWS, [...burn, cfg.api.serverErrorSurge.window]);
}

export function recordingGroups(cfg: MonitoringConfig): RuleGroup[] {
  const networkWindow = cfg.payments.networkSuccessRate.window;
  return [
    {
      name: 'feexpay-gateway.payments.recording',
      rules: [...paymentRatioWindows(cfg).flatMap((w) => paymentRules(cfg, w, JOB_LABELS)), ...paymentRules(cfg, networkWindow, NETWORK_LABELS), feexpayLatencyRule(cfg)],
    },
    {
      name: 'feexpay-gateway.feexpay.recording',
      rules: feexpayRatioWindows(cfg).flatMap((w) => feexpayCallRules(cfg, w)),
    },
    {
      name: 'feexpay-gateway.dashboards.recording',
      rules: DASHBOARD_WINDOWS.flatMap((w) => instanceRules(cfg, w)),
    },
    {
      name: 'feexpay-gateway.availability.recording',
      rules: availabilityWindows(cfg).flatMap((w) => availabilityRules(cfg, w)),
    },
  ];
}
