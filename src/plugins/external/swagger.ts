/** OpenAPI document generated from the route schemas, served with a docs page at /docs. */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { merchantEventWebhooks } from '../../events/openapi-webhooks.ts';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        // 3.1 for `webhooks` (the merchant events), and for the schemas' `type: "null"` unions.
        openapi: '3.1.0',
        info: {
          title: 'feexpay-gateway',
          description: 'Collect mobile-money payments through FeexPay (Benin, Togo, Côte d\'Ivoire, Senegal, ...).',
          version: '1.0.0',
        },
        webhooks: merchantEventWebhooks(),
        components: {
          securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Merchant API key (fgw_...)' } },
        },
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger' },
);
