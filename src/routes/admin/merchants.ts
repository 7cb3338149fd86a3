/**
 * Merchants through the running service, under /admin/api: create (the live and test keys are in
 * the answer and nowhere else), list, disable, rotate a live or test key. The way to manage merchants on the embedded
 * database, which `npm run merchant:create` cannot open while the service holds it. A disabled or
 * replaced key stops working on every replica within API_KEY_CACHE_TTL_MS.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createMerchant, disableMerchant, listMerchants, rotateApiKey } from '../../merchants/merchants.ts';
import { ApiError, fieldError } from '../../plugins/app/errors.ts';

const MerchantParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const CreateMerchantBody = Type.Object(
  // Text the database can hold and a page can show: no control characters, no lone surrogates.
  { name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f\\p{Cs}]+$' }) },
  { additionalProperties: false },
);

const notFound = () => new ApiError(404, 'merchant_not_found', 'No such merchant.');

const merchantsApi: FastifyPluginAsync = async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/merchants', { schema: { hide: true } }, async () => ({ object: 'list', data: await listMerchants(app.db) }));

  app.post('/merchants', { schema: { hide: true, body: CreateMerchantBody } }, async (req, reply) => {
    const { merchant, apiKey, testApiKey } = await createMerchant(app.db, req.body.name.trim());
    req.log.info({ event: 'merchant.created', merchant_id: merchant.id }, 'merchant created');
    return reply.status(201).send({ merchant, api_key: apiKey, test_api_key: testApiKey });
  });

  app.post('/merchants/:id/disable', { schema: { hide: true, params: MerchantParams } }, async (req) => {
    const merchant = await disableMerchant(app.db, req.params.id);
    if (!merchant) throw notFound();
    req.log.info({ event: 'merchant.disabled', merchant_id: merchant.id }, 'merchant disabled');
    return { merchant };
  });

  // The body is optional (no body: the live key), so it is read here rather than by a schema.
  app.post('/merchants/:id/api-key', { schema: { hide: true, params: MerchantParams } }, async (req) => {
    const mode = (req.body as { mode?: unknown } | undefined)?.mode ?? 'live';
    if (mode !== 'live' && mode !== 'test') throw fieldError('validation_failed', 'body.mode', 'must be "live" or "test"');
    const rotated = await rotateApiKey(app.db, req.params.id, mode);
    if (!rotated) throw notFound();
    req.log.info({ event: 'merchant.key_rotated', merchant_id: rotated.merchant.id, mode }, 'merchant API key replaced');
    return { merchant: rotated.merchant, mode, api_key: rotated.apiKey };
  });
};

export default merchantsApi;
