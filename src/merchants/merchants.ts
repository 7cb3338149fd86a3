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

function newApiKey(): { apiKey: string; api_key_hash: string; api_key_prefix: string } {
  const apiKey = KEY_PREFIX + randomBytes(24).toString('base64url');
  return { apiKey, api_key_hash: hashApiKey(apiKey), api_key_prefix: apiKey.slice(0, 8) };
}

export async function createMerchant(db: Knex, name: string): Promise<{ merchant: Merchant; apiKey: string }> {
  const { apiKey, ...stored } = newApiKey();
  const merchant = { id: randomUUID(), name };
  await db('merchants').insert({ ...merchant, ...stored });
  return { merchant, apiKey };
}

/** What operators see of a merchant: never the key, only its first characters. */
export interface MerchantListing {
  id: string;
  name: string;
  api_key_prefix: string;
  created_at: Date;
  disabled_at: Date | null;
}

const LISTED = ['id', 'name', 'api_key_prefix', 'created_at', 'disabled_at'] as const;

export async function listMerchants(db: Knex): Promise<MerchantListing[]> {
  return db('merchants').select(...LISTED).orderBy('created_at', 'desc').limit(1000);
}

/** Disables a merchant's key (kept disabled if it already was); undefined when there is no such merchant. */
export async function disableMerchant(db: Knex, id: string): Promise<MerchantListing | undefined> {
  const [row] = await db('merchants').where({ id }).update({ disabled_at: db.raw('coalesce(disabled_at, now())') }).returning([...LISTED]);
  return row;
}

/** A new key for the merchant; the old one stops working at once (within each replica's key cache). */
export async function rotateApiKey(db: Knex, id: string): Promise<{ merchant: MerchantListing; apiKey: string } | undefined> {
  const { apiKey, ...stored } = newApiKey();
  const [row] = await db('merchants').where({ id }).update(stored).returning([...LISTED]);
  return row ? { merchant: row, apiKey } : undefined;
}

export async function findMerchantByKey(db: Knex, apiKey: string): Promise<Merchant | undefined> {
  return db('merchants')
    .select('id', 'name')
    .where({ api_key_hash: hashApiKey(apiKey) })
    .whereNull('disabled_at')
    .first();
}
