/**
 * OpenAPI document generated from the route schemas, served with a docs page at /docs. Only the
 * merchant API is described: the in-process FeexPay simulator, FeexPay's callback, probes,
 * metrics and /admin are not for merchants and stay out of it.
 */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { merchantEventWebhooks } from '../../events/openapi-webhooks.ts';
import { API_INTRODUCTION } from '../../openapi/introduction.ts';
import { PaymentSchema } from '../../schemas/payment.ts';

/** Tags by the first path segment under /v1; a route may name its own. */
const TAGS: Record<string, { name: string; description: string }> = {
  payments: { name: 'Payments', description: 'Ask a customer to pay by mobile money, then follow the payment to its outcome.' },
  fees: { name: 'Fees', description: 'What FeexPay will charge, before asking.' },
  payouts: { name: 'Payouts', description: 'Send money to a mobile-money account.' },
  webhook_endpoints: { name: 'Webhook endpoints', description: 'Where the gateway posts events about your payments.' },
  events: { name: 'Events', description: 'What happened to your payments, as posted to your endpoints.' },
};

/** Merchant routes are under /v1, except FeexPay's own callback. */
export function isMerchantRoute(url: string): boolean {
  return url.startsWith('/v1/') && !url.startsWith('/v1/webhooks/feexpay');
}

function defaultTag(url: string): string {
  const segment = url.split('/')[2] ?? '';
  return TAGS[segment]?.name ?? segment;
}

export default fp(
  async (app) => {
    app.addSchema(PaymentSchema);
    await app.register(swagger, {
      openapi: {
        // 3.1: the schemas use `type: "null"` in unions, and `webhooks` needs it.
        openapi: '3.1.0',
        info: {
          title: 'feexpay-gateway merchant API',
          description: API_INTRODUCTION,
          version: '1.0.0',
          license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
        },
        servers: [
          {
            url: '{scheme}://{host}',
            description: 'Your deployment (http://localhost:3000 for `npm run dev` or docker compose)',
            variables: { scheme: { enum: ['https', 'http'], default: 'https' }, host: { default: 'localhost:3000', description: 'host[:port] of the service' } },
          },
        ],
        tags: Object.values(TAGS),
        webhooks: merchantEventWebhooks(),
        components: {
          securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Merchant API key (fgw_...), sent as `Authorization: Bearer fgw_...`.' } },
        },
      },
      // Shared schemas keep their $id as their name in components.schemas (`Payment`, not `def-0`).
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
      transform: ({ schema, url }) => {
        if (!isMerchantRoute(url)) return { schema: { ...schema, hide: true }, url };
        const tags = (schema as { tags?: string[] } | undefined)?.tags ?? [defaultTag(url)];
        return { schema: { ...schema, tags }, url };
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger' },
);
