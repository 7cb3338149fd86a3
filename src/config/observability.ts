/** Logs, Sentry and the service's own alerts (email, Slack). */
import type { Config } from '../config.ts';
import { ConfigError, oneOf, optional, str, url, type Env } from './env.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A Sentry DSN: https://<public key>@<host>/<project id>. A wrong one would leave Sentry silently off. */
export function sentryDsn(env: Env, name: string): void {
  const raw = optional(env, name)?.trim();
  if (!raw) return;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a Sentry DSN (https://<key>@<host>/<project id>)');
  }
  if (!['https:', 'http:'].includes(parsed.protocol) || !parsed.username || !/^\/(.*\/)?\d+$/.test(parsed.pathname)) {
    throw new ConfigError(name, 'must be a Sentry DSN (https://<key>@<host>/<project id>)');
  }
}

export function logSettings(env: Env): Pick<Config, 'logLevel' | 'logDir'> {
  return { logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'), logDir: optional(env, 'LOG_DIR') };
}

export function notifySettings(env: Env): Config['notify'] {
  const emailTo = str(env, 'ALERT_EMAIL_TO', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    emailFrom: str(env, 'ALERT_EMAIL_FROM', 'feexpay-gateway@localhost'),
    emailTo,
    slackWebhookUrl: url(env, 'SLACK_WEBHOOK_URL', ['https:', 'http:']),
  };
}
