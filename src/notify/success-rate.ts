/**
 * Watches the outcome of the last N payments and alerts when the share of successes collapses
 * (an operator down, FeexPay failing every request). It only counts: the notifier decides how
 * often a person hears about it.
 */
import type { Alert } from './types.ts';

export interface SuccessRateWatchOptions {
  notifier: { notify(alert: Alert): void };
  /** Outcomes kept. Default 50. */
  window?: number;
  /** Alert below this ratio of successes. Default 0.9. */
  threshold?: number;
  /** No verdict on fewer outcomes than this (a quiet night is not an outage). Default 20. */
  minSamples?: number;
  /** Distinguishes several watches (e.g. one per network); a bounded name, part of the fingerprint. */
  label?: string;
}

export class SuccessRateWatch {
  private readonly outcomes: boolean[] = [];
  private next = 0;
  private successes = 0;
  private below = false;
  private readonly size: number;
  private readonly threshold: number;
  private readonly minSamples: number;

  constructor(private readonly opts: SuccessRateWatchOptions) {
    this.size = Math.max(1, opts.window ?? 50);
    this.threshold = opts.threshold ?? 0.9;
    this.minSamples = Math.min(this.size, opts.minSamples ?? 20);
  }

  /** Successes over the kept outcomes, or null before minSamples. */
  ratio(): number | null {
    return this.outcomes.length < this.minSamples ? null : this.successes / this.outcomes.length;
  }

  /** One finished payment: true if it succeeded, false if it failed or expired. */
  record(succeeded: boolean): void {
    if (this.outcomes.length < this.size) {
      this.outcomes.push(succeeded);
    } else {
      if (this.outcomes[this.next]) this.successes--;
      this.outcomes[this.next] = succeeded;
      this.next = (this.next + 1) % this.size;
    }
    if (succeeded) this.successes++;
    this.check();
  }

  private check(): void {
    const ratio = this.ratio();
    if (ratio === null) return;
    const fingerprint = `success-rate${this.opts.label ? `:${this.opts.label}` : ''}`;
    const scope = this.opts.label ? ` (${this.opts.label})` : '';
    const summary = `${this.successes} of the last ${this.outcomes.length} payments succeeded (${(ratio * 100).toFixed(0)}%, threshold ${(this.threshold * 100).toFixed(0)}%).`;
    if (ratio < this.threshold) {
      // Every record while below re-raises: the notifier turns that into one message per window.
      this.below = true;
      this.opts.notifier.notify({ fingerprint, severity: 'critical', title: `Payment success rate collapsed${scope}`, text: summary });
    } else if (this.below) {
      this.below = false;
      this.opts.notifier.notify({ fingerprint: `${fingerprint}:recovered`, severity: 'info', title: `Payment success rate recovered${scope}`, text: summary });
    }
  }
}
