/**
 * /admin: the operators' dashboard and its JSON API, as one encapsulated plugin. Its security
 * headers, rate limit and Basic-auth hook are registered inside this context, so none of them
 * reaches the merchant API; with no ADMIN_PASSWORD nothing is registered and /admin is a 404.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import helmet from '@fastify/helmet';
import type { Config } from '../../config.ts';
import { loadAssets } from '../../admin/assets.ts';
import { renderPage } from '../../admin/page.ts';
import { filterFields, FilterError, parseFilter } from '../../admin/filters.ts';
import adminApi from './api.ts';
import { requireAdmin } from './basic-auth.ts';
import networksAdmin from './networks.ts';
import paymentsAdmin from './payments.ts';

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
  // One version for every asset URL: any changed file gives every page new URLs.
  const version = createHash('sha256')
    .update([...assets.values()].map((a) => a.etag).join())
    .digest('base64url')
    .slice(0, 8);

  app.get<{ Querystring: Record<string, unknown> }>('/', { schema: { hide: true } }, async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    // Without a schema, a field given twice arrives as an array.
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const q = req.query;
    try {
      return renderPage(parseFilter(filterFields(q)), version);
    } catch (err) {
      if (!(err instanceof FilterError)) throw err;
      // The operator's own input back in the form, with what to change.
      const typed = { from: text(q.from), to: text(q.to), network: text(q.network) || null, livemode: q.mode !== 'test' };
      return reply.status(400).send(renderPage(typed, version, err.message));
    }
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
  await app.register(paymentsAdmin, { assetVersion: version });
};

export default admin;
