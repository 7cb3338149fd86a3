/**
 * Merchants and their API keys. Keys are 192-bit random secrets, so a plain SHA-256 is enough to
 * store them (no password stretching needed) and lets a lookup be one indexed query.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { API_SCOPES, type ApiScope } from '../domain/payouts.ts';

export interface Merchant {
  id: string;
  name: string;
  /** What the key may do: `payments` (collect) and/or `payouts` (send money out). */
  scopes: ApiScope[];
}

const KEY_PREFIX = 'fgw_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(key: string): boolean {
  return /^fgw_[A-Za-z0-9_-]{32}$/.test(key);
}

/** `payments,payouts` as the scopes it names; throws on an unknown or empty list. */
export function parseScopes(list: string): ApiScope[] {
  const scopes = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))];
  const unknown = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) throw new Error(`scopes must be a comma-separated list of ${API_SCOPES.join(', ')}`);
  return scopes as ApiScope[];
}

/** pg parses text[] into an array; some drivers hand back the literal `{a,b}`. */
function scopesOf(value: unknown): ApiScope[] {
  const list = Array.isArray(value) ? value : String(value ?? '').replace(/^\{|\}$/g, '').split(',');
  return list.filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s));
}

export async function createMerchant(
  db: Knex,
  name: string,
  scopes: readonly ApiScope[] = ['payments'],
): Promise<{ merchant: Merchant; apiKey: string }> {
  const apiKey = KEY_PREFIX + randomBytes(24).toString('base64url');
  const merchant = { id: randomUUID(), name, scopes: [...scopes] };
  await db('merchants').insert({
    ...merchant,
    api_key_hash: hashApiKey(apiKey),
    api_key_prefix: apiKey.slice(0, 8),
  });
  return { merchant, apiKey };
}

export async function findMerchantByKey(db: Knex, apiKey: string): Promise<Merchant | undefined> {
  const row = await db('merchants')
    .select('id', 'name', 'scopes')
    .where({ api_key_hash: hashApiKey(apiKey) })
    .whereNull('disabled_at')
    .first();
  return row && { id: row.id, name: row.name, scopes: scopesOf(row.scopes) };
}
