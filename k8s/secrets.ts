/**
 * The Secret the workloads read, by contract only: the manifests reference its keys and never
 * contain it. docs/deploy.md lists the same keys; a test keeps the two in step.
 */
import { NAMES } from './names.ts';

export interface SecretKeyDoc {
  key: string;
  required: boolean;
  purpose: string;
}

export const APP_SECRET_KEYS: readonly SecretKeyDoc[] = [
  { key: 'DATABASE_URL', required: true, purpose: "PostgreSQL URL (postgres://user:password@host:5432/db), or PgBouncer's" },
  { key: 'REDIS_URL', required: false, purpose: 'Redis URL for shared rate-limit counters (required when the settings say redis: true, the default)' },
  { key: 'FEEXPAY_API_KEY', required: true, purpose: 'FeexPay API key (fp_ and 64 letters or digits)' },
  { key: 'WEBHOOK_TOKEN', required: true, purpose: 'Token FeexPay webhooks must carry' },
  { key: 'SENTRY_DSN', required: false, purpose: 'Sentry DSN; absent disables Sentry' },
  { key: 'SMTP_URL', required: false, purpose: 'SMTP URL for alert emails sent by the service' },
  { key: 'SLACK_WEBHOOK_URL', required: false, purpose: 'Slack incoming webhook for alerts sent by the service and by Alertmanager' },
  { key: 'ADMIN_PASSWORD', required: false, purpose: 'Password of the admin pages' },
  { key: 'FEEXPAY_SHOP_ID', required: true, purpose: 'FeexPay shop id; not secret, kept with the key of the same account' },
];

/** The migration Job and the pods' schema wait: the database and nothing else (least privilege). */
export const MIGRATION_SECRET_KEYS: readonly SecretKeyDoc[] = [
  APP_SECRET_KEYS.find((k) => k.key === 'DATABASE_URL')!,
  { key: 'MIGRATION_DATABASE_URL', required: false, purpose: 'Direct PostgreSQL URL for the migration when DATABASE_URL goes through PgBouncer in transaction mode' },
];

/** Keys Alertmanager reads (AlertmanagerConfig secret references, same namespace). */
export const ALERTMANAGER_SECRET_KEYS: readonly SecretKeyDoc[] = [
  { key: 'SLACK_WEBHOOK_URL', required: false, purpose: 'Slack incoming webhook Alertmanager posts to (only with alerting.slack: true)' },
  { key: 'SMTP_PASSWORD', required: false, purpose: 'Password Alertmanager authenticates to the SMTP relay with (only with alerting.email: true)' },
  { key: 'HEARTBEAT_URL', required: false, purpose: "Ping URL of the external dead man's switch Alertmanager posts the heartbeat to (only with alerting.heartbeat: true)" },
];

/** Every key of the Secret, for docs and tests. */
export function allSecretKeys(): string[] {
  return [...new Set([...APP_SECRET_KEYS, ...MIGRATION_SECRET_KEYS, ...ALERTMANAGER_SECRET_KEYS].map((k) => k.key))].sort();
}

export const APP_SECRET_NAME = NAMES.secret;

/** `alsoRequired`: optional keys this environment's settings make required (REDIS_URL with redis on). */
export function secretEnv(keys: readonly SecretKeyDoc[] = APP_SECRET_KEYS, alsoRequired: readonly string[] = []) {
  return keys.map(({ key, required }) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: APP_SECRET_NAME, key, optional: !(required || alsoRequired.includes(key)) } },
  }));
}
