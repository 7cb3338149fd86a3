/**
 * Standard Webhooks signing: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the secret's
 * decoded bytes as key, one signature per active secret separated by spaces (the specification's
 * way of rotating keys without a gap).
 */
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
/** 32 bytes: the specification asks for 24 to 64. */
const SECRET_BYTES = 32;

/** A new secret as the merchant sees it (whsec_<base64>); the database keeps the base64 part. */
export function newSecret(): { stored: string; shown: string } {
  const stored = randomBytes(SECRET_BYTES).toString('base64');
  return { stored, shown: PREFIX + stored };
}

export const showSecret = (stored: string): string => PREFIX + stored;

export function signature(storedSecret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', Buffer.from(storedSecret, 'base64')).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signedHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): SignedHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signature(s, id, timestampSeconds, body)).join(' '),
  };
}
