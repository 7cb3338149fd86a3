/**
 * Alerts to Slack through an incoming webhook: POST {text, blocks}. `text` is what notifications
 * and old clients show; blocks are the readable version in the channel.
 */
import type { Channel, OutgoingMessage } from './types.ts';
import { suppressedLine } from './types.ts';

export interface SlackOptions {
  /** The incoming-webhook URL is itself the credential: it is never logged. */
  webhookUrl: string;
  timeoutMs?: number;
}

const ICON: Record<OutgoingMessage['severity'], string> = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
};

/** Slack's mrkdwn treats these three as control characters. */
function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(message: OutgoingMessage): { text: string; blocks: unknown[] } {
  const footer = suppressedLine(message);
  const head = `${ICON[message.severity]} [${message.severity.toUpperCase()}] ${message.title}`;
  const context = [`${message.source}`, new Date(message.at).toISOString(), footer].filter(Boolean).join(' · ');
  return {
    text: escape(`${head}\n${message.text}${footer ? `\n${footer}` : ''}`),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escape(head)}*\n${escape(message.text)}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escape(context) }] },
    ],
  };
}

export function createSlackChannel(opts: SlackOptions): Channel {
  const timeout = opts.timeoutMs ?? 10_000;
  return {
    name: 'slack',
    async send(message: OutgoingMessage): Promise<void> {
      const res = await fetch(opts.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackPayload(message)),
        redirect: 'error',
        signal: AbortSignal.timeout(timeout),
      });
      // Drain the body so the connection can be reused; Slack answers "ok" or an error word.
      const answer = await res.text();
      if (!res.ok) throw new Error(`Slack webhook answered ${res.status}: ${answer.slice(0, 100)}`);
    },
  };
}
