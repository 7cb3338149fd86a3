/**
 * The vocabulary of the service's own alert notifications, shared by the notifier and its channels.
 */

export type Severity = 'critical' | 'warning' | 'info';

/** What the service raises: the same fingerprint means "the same problem again". */
export interface Alert {
  /** Stable and bounded, e.g. "feexpay-unreachable" or "success-rate:mtn"; never a phone or a reference. */
  fingerprint: string;
  severity: Severity;
  title: string;
  text: string;
}

export type ChannelName = 'email' | 'slack';
export type NotifyResult = 'sent' | 'suppressed' | 'failed';

/** What a channel delivers: the alert, already masked, plus what was held back before it. */
export interface OutgoingMessage {
  fingerprint: string;
  severity: Severity;
  title: string;
  text: string;
  /** Occurrences of this fingerprint suppressed since the previous message that went out. */
  suppressed: number;
  /** When the first of those suppressed occurrences happened (epoch ms), if any. */
  suppressedSince?: number;
  /** Who is speaking: service name and environment, shown in the subject or header. */
  source: string;
  at: number;
}

export interface Channel {
  readonly name: ChannelName;
  send(message: OutgoingMessage): Promise<void>;
  close?(): Promise<void>;
}

/** The line every channel appends when repeats were held back. */
export function suppressedLine(message: OutgoingMessage): string | null {
  if (message.suppressed <= 0) return null;
  const since = message.suppressedSince !== undefined ? ` since ${new Date(message.suppressedSince).toISOString()}` : '';
  const s = message.suppressed === 1 ? '' : 's';
  return `${message.suppressed} similar alert${s} suppressed${since}.`;
}
