/** The vocabulary of an alert's knobs (severity, durations, ratio guards), shared by config.ts and the rules. */

export type Severity = 'critical' | 'warning' | 'info';
/**
 * The severity of the alerting heartbeat alone: no human receiver matches it, only its own route
 * to the external heartbeat service. Not a Severity, so no threshold alert can be given it.
 */
export const HEARTBEAT_SEVERITY = 'heartbeat';
/** What a rule's `severity` label may hold: a Severity, or the heartbeat's own. */
export type RuleSeverity = Severity | typeof HEARTBEAT_SEVERITY;
/** A Prometheus duration as written in rules: `30s`, `5m`, `1h`, `3d`. */
export type Duration = `${number}${'s' | 'm' | 'h' | 'd'}`;

export interface AlertKnobs {
  severity: Severity;
  for: Duration;
}

/**
 * FeexPay's ratio alerts, with a second, slower path for low traffic: over `sustained.window`, at
 * least `minCalls` calls and more than `threshold` of them failing. Without it an outage at two
 * calls a minute never paged (below the fast path's volume guard), and payments without a
 * reference only went to review an hour later.
 */
export interface FeexPayRatioKnobs extends RatioKnobs {
  sustained: { window: Duration; threshold: number; minCalls: number };
}

/** A ratio alert that stays quiet unless enough events happen to make the ratio meaningful. */
export interface RatioKnobs extends AlertKnobs {
  /** The ratio the alert compares against (0..1). */
  threshold: number;
  window: Duration;
  /** Events per second over `window` below which the alert never fires (quiet nights). */
  minRatePerSecond: number;
}

export interface BurnWindow {
  severity: Severity;
  long: Duration;
  short: Duration;
  factor: number;
  for: Duration;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

export function durationSeconds(d: Duration): number {
  const unit = d.slice(-1) as keyof typeof UNIT_SECONDS;
  return Number(d.slice(0, -1)) * UNIT_SECONDS[unit];
}
