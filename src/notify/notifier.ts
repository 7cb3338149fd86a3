/**
 * The service's own alert notifications (email, Slack). notify() returns at once and never
 * throws: masking and throttling happen inline, delivery on an internal queue, one message at a
 * time, each channel independently, every failure caught and reported through onOutcome.
 */
import { maskString } from '../observability/pii.ts';
import { createEmailChannel, type EmailOptions } from './email.ts';
import { createSlackChannel, type SlackOptions } from './slack.ts';
import type { SharedThrottle } from './shared-throttle.ts';
import { Throttle } from './throttle.ts';
import type { Alert, Channel, ChannelName, NotifyResult, OutgoingMessage } from './types.ts';

export interface NotifierOptions {
  email?: EmailOptions;
  slack?: SlackOptions;
  /** Repeats of a fingerprint within this window are suppressed and counted. Default DEFAULT_WINDOW_MS (15 min). */
  windowMs?: number;
  /** Messages per hour across all fingerprints. Default DEFAULT_MAX_PER_HOUR (12). */
  maxPerHour?: number;
  /** Shown with each message, e.g. "feexpay-gateway production". */
  source?: string;
  /** For metrics: one call per channel and alert, whatever became of it. */
  onOutcome?: (channel: ChannelName, result: NotifyResult) => void;
  /** Told of delivery failures (a pino logger fits). Without it they are only counted. */
  log?: { warn(obj: object, msg: string): void };
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Channels beyond email and Slack (or instead of them). */
  channels?: Channel[];
  /** Messages waiting for delivery beyond this are dropped (as failed). Default 100. */
  queueLimit?: number;
  /**
   * The throttle every replica shares (Redis). Without it each process throttles alone, so N
   * replicas send up to N messages per window: paging proper is Alertmanager's job (docs/operators.md).
   */
  shared?: SharedThrottle;
}

export const DEFAULT_WINDOW_MS = 15 * 60_000;
export const DEFAULT_MAX_PER_HOUR = 12;

export class Notifier {
  private readonly channels: Channel[];
  private readonly throttle: Throttle;
  private readonly now: () => number;
  private readonly queue: OutgoingMessage[] = [];
  private draining: Promise<void> | null = null;

  constructor(private readonly opts: NotifierOptions) {
    this.channels = [...(opts.email ? [createEmailChannel(opts.email)] : []), ...(opts.slack ? [createSlackChannel(opts.slack)] : []), ...(opts.channels ?? [])];
    this.throttle = new Throttle(opts.windowMs ?? DEFAULT_WINDOW_MS, opts.maxPerHour ?? DEFAULT_MAX_PER_HOUR);
    this.now = opts.now ?? Date.now;
  }

  /** True when at least one channel is configured. */
  get enabled(): boolean {
    return this.channels.length > 0;
  }

  notify(alert: Alert): void {
    try {
      if (this.channels.length === 0) return;
      const at = this.now();
      const decision = this.throttle.decide(alert.fingerprint, at);
      if (!decision.send) {
        this.outcomeForAll('suppressed');
        return;
      }
      if (this.queue.length >= (this.opts.queueLimit ?? 100)) {
        this.outcomeForAll('failed');
        return;
      }
      this.queue.push({
        fingerprint: alert.fingerprint,
        severity: alert.severity,
        title: maskString(alert.title),
        text: maskString(alert.text),
        suppressed: decision.suppressed,
        suppressedSince: decision.suppressedSince,
        source: this.opts.source ?? 'feexpay-gateway',
        at,
      });
      this.draining ??= this.drain().finally(() => {
        this.draining = null;
      });
    } catch (err) {
      this.warn(err, 'notification dropped');
    }
  }

  /** Resolves once every queued message has been attempted (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    await this.idle();
    await Promise.allSettled(this.channels.flatMap((c) => (c.close ? [c.close()] : [])));
  }

  private async drain(): Promise<void> {
    for (let message = this.queue.shift(); message; message = this.queue.shift()) {
      const current = await this.claimShared(message);
      if (!current) {
        this.outcomeForAll('suppressed');
        continue;
      }
      await Promise.all(
        this.channels.map((channel) =>
          channel.send(current).then(
            () => this.outcome(channel.name, 'sent'),
            (err: unknown) => {
              this.outcome(channel.name, 'failed');
              this.warn(err, `alert notification by ${channel.name} failed`);
            },
          ),
        ),
      );
    }
  }

  /** The message as it goes out, with what other replicas held back; null when another sent it. */
  private async claimShared(message: OutgoingMessage): Promise<OutgoingMessage | null> {
    if (!this.opts.shared) return message;
    try {
      const claim = await this.opts.shared.claim(message.fingerprint);
      if (!claim.send) return null;
      if (claim.heldElsewhere === 0) return message;
      return { ...message, suppressed: message.suppressed + claim.heldElsewhere };
    } catch (err) {
      // Fail open: a duplicate message beats a lost one.
      this.warn(err, 'shared alert throttle unavailable, sending anyway');
      return message;
    }
  }

  private outcomeForAll(result: NotifyResult): void {
    for (const channel of this.channels) this.outcome(channel.name, result);
  }

  private outcome(channel: ChannelName, result: NotifyResult): void {
    try {
      this.opts.onOutcome?.(channel, result);
    } catch {
      // A metrics callback must not break alerting.
    }
  }

  private warn(err: unknown, msg: string): void {
    try {
      // Only the message: an SMTP error can quote the connection URL, credentials included.
      this.opts.log?.warn({ error: maskString(err instanceof Error ? err.message : String(err)) }, msg);
    } catch {
      // Logging must not break alerting either.
    }
  }
}

export function createNotifier(opts: NotifierOptions): Notifier {
  return new Notifier(opts);
}
