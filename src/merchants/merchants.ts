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
  /** What the merchant's keys (live and test) may do: `payments` (collect) and/or `payouts` (send money out). */
  scopes: ApiScope[];
}

/** The merchant a request speaks for, and in which mode: a test key sees and makes test objects only. */
export interface AuthenticatedMerchant extends Merchant {
  livemode: boolean;
}

/** `fgw_live_...` and `fgw_test_...`; keys made before test mode (`fgw_...`) stay live keys. */
const KEY_PREFIX = { live: 'fgw_live_', test: 'fgw_test_' } as const;
export type KeyMode = keyof typeof KEY_PREFIX;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(key: string): boolean {
  return /^fgw_(live_|test_)?[A-Za-z0-9_-]{32}$/.test(key);
}

export function keyMode(key: string): KeyMode {
  return key.startsWith(KEY_PREFIX.test) ? 'test' : 'live';
}

function newApiKey(mode: KeyMode): { apiKey: string; hash: string; prefix: string } {
  const apiKey = KEY_PREFIX[mode] + randomBytes(24).toString('base64url');
  return { apiKey, hash: hashApiKey(apiKey), prefix: apiKey.slice(0, 13) };
}

/** `payments,payouts` as the scopes it names; throws on an unknown or empty list. */
export function parseScopes(list: string): ApiScope[] {
  const scopes = [
    ...new Set(
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) throw new Error(`scopes must be a comma-separated list of ${API_SCOPES.join(', ')}`);
  return scopes as ApiScope[];
}

/** pg parses text[] into an array; some drivers hand back the literal `{a,b}`. */
function scopesOf(value: unknown): ApiScope[] {
  const list = Array.isArray(value)
    ? value
    : String(value ?? '')
        .replace(/^\{|\}$/g, '')
        .split(',');
  return list.filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s));
}

/** A merchant with one live and one test key, each shown to the caller once and stored hashed. Without scopes it collects payments only. */
export async function createMerchant(db: Knex, name: string, scopes: readonly ApiScope[] = ['payments']): Promise<{ merchant: Merchant; apiKey: string; testApiKey: string }> {
  const live = newApiKey('live');
  const test = newApiKey('test');
  const merchant = { id: randomUUID(), name, scopes: [...scopes] };
  await db('merchants').insert({
    ...merchant,
    api_key_hash: live.hash,
    api_key_prefix: live.prefix,
    test_api_key_hash: test.hash,
    test_api_key_prefix: test.prefix,
  });
  return { merchant, apiKey: live.apiKey, testApiKey: test.apiKey };
}

export async function findMerchantByKey(db: Knex, apiKey: string): Promise<AuthenticatedMerchant | undefined> {
  const livemode = keyMode(apiKey) === 'live';
  const row = await db('merchants')
    .select('id', 'name', 'scopes')
    .where(livemode ? 'api_key_hash' : 'test_api_key_hash', hashApiKey(apiKey))
    .whereNull('disabled_at')
    .first();
  return row ? { id: row.id, name: row.name, scopes: scopesOf(row.scopes), livemode } : undefined;
}

/** What operators see of a merchant: never a key, only its first characters. */
export interface MerchantListing {
  id: string;
  name: string;
  api_key_prefix: string;
  test_api_key_prefix: string | null;
  created_at: Date;
  disabled_at: Date | null;
}

const LISTED = ['id', 'name', 'api_key_prefix', 'test_api_key_prefix', 'created_at', 'disabled_at'] as const;

export async function listMerchants(db: Knex): Promise<MerchantListing[]> {
  return db('merchants')
    .select(...LISTED)
    .orderBy('created_at', 'desc')
    .limit(1000);
}

/** Disables both of a merchant's keys (kept disabled if it already was); undefined when there is no such merchant. */
export async function disableMerchant(db: Knex, id: string): Promise<MerchantListing | undefined> {
  const [row] = await db('merchants')
    .where({ id })
    .update({ disabled_at: db.raw('coalesce(disabled_at, now())') })
    .returning([...LISTED]);
  return row;
}

/** A new key of that mode; the old one stops working at once (within each replica's key cache). */
export async function rotateApiKey(db: Knex, id: string, mode: KeyMode): Promise<{ merchant: MerchantListing; apiKey: string } | undefined> {
  const key = newApiKey(mode);
  const columns = mode === 'live' ? { api_key_hash: key.hash, api_key_prefix: key.prefix } : { test_api_key_hash: key.hash, test_api_key_prefix: key.prefix };
  const [row] = await db('merchants')
    .where({ id })
    .update(columns)
    .returning([...LISTED]);
  return row ? { merchant: row, apiKey: key.apiKey } : undefined;
}
