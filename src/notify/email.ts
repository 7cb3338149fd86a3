/**
 * Alerts by email over SMTP (nodemailer). Short timeouts: an unreachable mail server must fail the
 * delivery in seconds, not hold the notifier's queue for the two minutes nodemailer would wait.
 */
import type { Transporter } from 'nodemailer';
import type { Channel, OutgoingMessage } from './types.ts';
import { suppressedLine } from './types.ts';

export interface EmailOptions {
  /** smtp://user:pass@host:587 or smtps://...; credentials stay in the URL, never in a log line. */
  smtpUrl: string;
  from: string;
  to: string[];
  timeoutMs?: number;
}

export function createEmailChannel(opts: EmailOptions): Channel {
  const timeout = opts.timeoutMs ?? 10_000;
  // nodemailer is loaded with the first alert mailed: until then it would only hold memory.
  let transport: Promise<Transporter> | null = null;
  const transporter = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: opts.smtpUrl,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      } as Parameters<typeof nodemailer.createTransport>[0]),
    ));

  return {
    name: 'email',
    async send(message: OutgoingMessage): Promise<void> {
      const footer = suppressedLine(message);
      const lines = [message.text, '', footer, `Source: ${message.source}`, `At: ${new Date(message.at).toISOString()}`];
      await (
        await transporter()
      ).sendMail({
        from: opts.from,
        to: opts.to,
        subject: `[${message.severity.toUpperCase()}] ${message.title}${message.suppressed > 0 ? ` (+${message.suppressed} suppressed)` : ''}`,
        text: lines.filter((l): l is string => l !== null).join('\n'),
        headers: { 'X-Alert-Fingerprint': message.fingerprint },
      });
    },
    async close(): Promise<void> {
      if (transport) (await transport).close();
    },
  };
}
