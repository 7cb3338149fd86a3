/**
 * Finding a payment by our id or FeexPay's reference: the page (/admin/payments?q=) and the JSON
 * API (/admin/api/payments?q=) for scripts, both through admin/search.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { findPayments, isSearchable, SEARCH_HINT, SEARCH_PATTERN } from '../../admin/search.ts';
import { renderSearchPage } from '../../admin/search-page.ts';

const SearchQuery = Type.Object({ q: Type.String({ pattern: SEARCH_PATTERN, description: 'A payment id or a FeexPay reference.' }) }, { additionalProperties: false });

const paymentsAdmin: FastifyPluginAsync<{ assetVersion: string }> = async (root, { assetVersion }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  // The page reads q itself: a bad one is a message on the page, not a JSON error.
  app.get<{ Querystring: { q?: string } }>('/payments', { schema: { hide: true } }, async (req, reply) => {
    const raw = req.query.q;
    const query = typeof raw === 'string' ? raw.trim() : '';
    reply.type('text/html; charset=utf-8');
    if (query === '') return renderSearchPage({ query, found: null }, assetVersion);
    if (!isSearchable(query)) return reply.status(400).send(renderSearchPage({ query, found: null, problem: SEARCH_HINT }, assetVersion));
    return renderSearchPage({ query, found: await findPayments(app.db, query) }, assetVersion);
  });

  app.get('/api/payments', { schema: { hide: true, querystring: SearchQuery } }, async (req) => ({
    object: 'list',
    data: await findPayments(app.db, req.query.q),
  }));
};

export default paymentsAdmin;
