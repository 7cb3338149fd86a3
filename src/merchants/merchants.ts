/**
 * Merchants and their API keys. Keys are 192-bit random secrets, so a plain SHA-256 is enough to
 * store them (no password stretching needed) and lets a lookup be one indexed query.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

export interface Merchant {
  id: string;
  name: string;
}

const KEY_PREFIX = 'fgw_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(key: string): boolean {
  return /^fgw_[A-Za-z0-9_-]{32}$/.test(key);
}

export async function createMerchant(db: Knex, name: string): Promise<{ merchant: Merchant; apiKey: string }> {
  const apiKey = KEY_PREFIX + randomBytes(24).toString('base64url');
  const merchant = { id: randomUUID(), name };
  await db('merchants').insert({
    ...merchant,
    api_key_hash: hashApiKey(apiKey),
    api_key_prefix: apiKey.slice(0, 8),
  });
  return { merchant, apiKey };
}

export async function findMerchantByKey(db: Knex, apiKey: string): Promise<Merchant | undefined> {
  return db('merchants')
    .select('id', 'name')
    .where({ api_key_hash: hashApiKey(apiKey) })
    .whereNull('disabled_at')
    .first();
}
