/**
 * Merchant authentication by API key. Found keys are cached briefly in memory because every
 * merchant request needs one, and the lookup would otherwise be a query per request; the cache's
 * life (API_KEY_CACHE_TTL_MS, 5 s) is how long a disabled key can still be used on a replica.
 * Failed lookups are counted per client: past the limit a client gets 429 before any lookup.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope } from '../../domain/payouts.ts';
import { findMerchantByKey, looksLikeApiKey, type AuthenticatedMerchant } from '../../merchants/merchants.ts';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    authenticateMerchant: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** A hook, after authenticateMerchant: 403 unless the key holds the scope. */
    requireScope: (scope: ApiScope) => (req: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    merchant: AuthenticatedMerchant | null;
  }
}

export interface AuthPluginOptions {
  cacheTtlMs: number;
}

const CACHE_MAX = 10_000;
/**
 * Keys found valid lately skip the failed-lookup limit: behind a proxy without TRUST_PROXY every
 * client shares one address, and one client's bad keys must not lock out the merchants whose
 * keys work. Only a key never seen valid is held back while its client is over the limit.
 */
const KNOWN_GOOD_MS = 3_600_000;

export default fp<AuthPluginOptions>(
  async (app, opts) => {
    const cache = new Map<string, { merchant: AuthenticatedMerchant; until: number }>();
    const knownGood = new Map<string, number>();
    app.decorateRequest('merchant', null);
    app.decorate('authenticateMerchant', async (req: FastifyRequest) => {
      const header = req.headers.authorization ?? '';
      // The scheme name is case-insensitive (RFC 7235 §2.1): "bearer" and "BEARER" are Bearer too.
      const key = /^bearer /i.test(header) ? header.slice(7).trim() : '';
      const hit = cache.get(key);
      if (hit && hit.until > Date.now()) {
        req.merchant = hit.merchant;
        return;
      }
      // A malformed key costs no lookup and can never succeed: refused, not counted.
      if (!looksLikeApiKey(key)) {
        throw new ApiError(401, 'unauthorized', 'Missing or malformed API key (Authorization: Bearer fgw_...).');
      }
      if (!((knownGood.get(key) ?? 0) > Date.now())) await app.authFailures.check(req);
      const merchant = await findMerchantByKey(app.db, key);
      if (!merchant) {
        cache.delete(key);
        knownGood.delete(key);
        await app.authFailures.record(req);
        throw new ApiError(401, 'unauthorized', 'Unknown or disabled API key.');
      }
      if (cache.size >= CACHE_MAX) cache.clear();
      if (knownGood.size >= CACHE_MAX) knownGood.clear();
      knownGood.set(key, Date.now() + KNOWN_GOOD_MS);
      if (opts.cacheTtlMs > 0) cache.set(key, { merchant, until: Date.now() + opts.cacheTtlMs });
      req.merchant = merchant;
    });
    app.decorate('requireScope', (scope: ApiScope) => async (req: FastifyRequest) => {
      if (!req.merchant?.scopes.includes(scope)) {
        throw new ApiError(403, 'insufficient_scope', `This API key is not allowed to use ${scope}; ask for a key with the ${scope} scope.`);
      }
    });
  },
  { name: 'auth', dependencies: ['db', 'rate-limit'] },
);
