/**
 * Merchant authentication by API key. Found keys are cached briefly in memory because every
 * merchant request needs one, and the lookup would otherwise be a query per request.
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

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

export default fp(
  async (app) => {
    const cache = new Map<string, { merchant: AuthenticatedMerchant; until: number }>();
    app.decorateRequest('merchant', null);
    app.decorate('authenticateMerchant', async (req: FastifyRequest) => {
      const header = req.headers.authorization ?? '';
      const key = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!looksLikeApiKey(key)) throw new ApiError(401, 'unauthorized', 'Missing or malformed API key (Authorization: Bearer fgw_...).');
      const hit = cache.get(key);
      if (hit && hit.until > Date.now()) {
        req.merchant = hit.merchant;
        return;
      }
      const merchant = await findMerchantByKey(app.db, key);
      if (!merchant) throw new ApiError(401, 'unauthorized', 'Unknown or disabled API key.');
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(key, { merchant, until: Date.now() + CACHE_TTL_MS });
      req.merchant = merchant;
    });
    app.decorate('requireScope', (scope: ApiScope) => async (req: FastifyRequest) => {
      if (!req.merchant?.scopes.includes(scope)) {
        throw new ApiError(403, 'insufficient_scope', `This API key is not allowed to use ${scope}; ask for a key with the ${scope} scope.`);
      }
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
