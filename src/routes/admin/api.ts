/** The JSON API under /admin/api/ that the dashboard page and operators' scripts share. */
import type { FastifyPluginAsync } from 'fastify';
import { FilterError, parseFilter } from '../../admin/filters.ts';
import { buildSummary } from '../../admin/summary.ts';
import { merchantEventsOverview } from '../../admin/merchant-events.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import merchantsApi from './merchants.ts';
import reviewApi from './review.ts';
import payoutReviewApi from './payout-review.ts';

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', maxLength: 10 },
    to: { type: 'string', maxLength: 10 },
    network: { type: 'string', maxLength: 20 },
    mode: { type: 'string', enum: ['live', 'test'] },
  },
} as const;

function filterOrBadRequest(query: { from?: string; to?: string; network?: string; mode?: string }) {
  try {
    return parseFilter(query);
  } catch (err) {
    if (err instanceof FilterError) throw new ApiError(400, err.code, err.message, {}, err.param);
    throw err;
  }
}

const adminApi: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { from?: string; to?: string; network?: string; mode?: string } }>('/summary', { schema: { hide: true, querystring } }, async (req) =>
    buildSummary(app.db, filterOrBadRequest(req.query)),
  );
  await app.register(reviewApi);
  await app.register(merchantsApi);
  app.get('/merchant-events', { schema: { hide: true } }, async () => merchantEventsOverview(app.db));
  await app.register(payoutReviewApi);
};

export default adminApi;
