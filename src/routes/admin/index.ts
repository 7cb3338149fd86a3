/**
 * /admin: the operators' dashboard and its JSON API, as one encapsulated plugin. Its security
 * headers, rate limit and Basic-auth hook are registered inside this context, so none of them
 * reaches the merchant API; with no ADMIN_PASSWORD nothing is registered and /admin is a 404.
 */
import type { FastifyPluginAsync } from 'fastify';
import helmet from '@fastify/helmet';
import type { Config } from '../../config.ts';
import { loadAssets } from '../../admin/assets.ts';
import { renderPage } from '../../admin/page.ts';
import adminApi, { filterOrBadRequest } from './api.ts';
import { requireAdmin } from './basic-auth.ts';
import networksAdmin from './networks.ts';

export interface AdminRoutesOptions {
  config: Config;
}

const MIN_PASSWORD_LENGTH = 12;

const admin: FastifyPluginAsync<AdminRoutesOptions> = async (app, { config }) => {
  const password = config.adminPassword;
  if (password === null || password.length < MIN_PASSWORD_LENGTH) {
    app.log.warn(
      password === null ? 'admin dashboard disabled: ADMIN_PASSWORD is not set' : `admin dashboard disabled: ADMIN_PASSWORD is shorter than ${MIN_PASSWORD_LENGTH} characters`,
    );
    return;
  }

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  // Slows down password guessing; the limit is per client address.
  app.addHook('onRequest', app.rateLimit({ max: 300, timeWindow: '1 minute' }));
  await requireAdmin(app, { user: config.operators.adminUser, password });
  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  const assets = loadAssets();
  const version = assets.get('dashboard.js')!.etag.slice(1, 9);

  app.get<{ Querystring: { from?: string; to?: string; network?: string; mode?: string } }>('/', { schema: { hide: true } }, async (req, reply) => {
    const filter = filterOrBadRequest(req.query);
    return reply.type('text/html; charset=utf-8').send(renderPage(filter, version));
  });

  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (req, reply) => {
    const asset = assets.get(req.params.name);
    if (!asset) return reply.callNotFound();
    reply.header('etag', asset.etag).header('cache-control', 'private, max-age=3600');
    if (req.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    return reply.type(asset.type).send(asset.body);
  });

  await app.register(adminApi, { prefix: '/api' });
  await app.register(networksAdmin, { assetVersion: version });
};

export default admin;
