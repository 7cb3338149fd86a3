/**
 * 405 rather than 404 when the path exists with other methods (RFC 9110 §15.5.6), with the
 * `Allow` header. The routes are collected as they are added; a path is matched against their
 * patterns only when the router found nothing, so ordinary requests pay nothing.
 */
import type { FastifyInstance } from 'fastify';

interface KnownRoute {
  pattern: RegExp;
  methods: Set<string>;
}

const known = new WeakMap<FastifyInstance, Map<string, KnownRoute>>();

function toPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** Call on the root instance before any route is added. */
export function trackRoutes(app: FastifyInstance): void {
  const routes = new Map<string, KnownRoute>();
  known.set(app, routes);
  app.addHook('onRoute', ({ url, method }) => {
    // The catch-all routes (static files, docs assets) would make every path "exist".
    if (url.endsWith('*')) return;
    const entry = routes.get(url) ?? { pattern: toPattern(url), methods: new Set<string>() };
    for (const m of Array.isArray(method) ? method : [method]) entry.methods.add(m.toUpperCase());
    routes.set(url, entry);
  });
}

/** The methods `path` answers, sorted; empty when no route has this path. */
export function allowedMethods(app: FastifyInstance, path: string): string[] {
  const methods = new Set<string>();
  for (const route of known.get(app)?.values() ?? []) {
    if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
  }
  return [...methods].sort();
}
