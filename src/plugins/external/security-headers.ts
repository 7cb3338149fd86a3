/**
 * Security headers on every answer (the admin area adds its own Content-Security-Policy through
 * helmet). API answers are JSON a browser must never sniff, frame or store: nosniff, no-store,
 * a CSP that allows nothing, no referrer. Set by hand rather than with helmet: six fixed headers,
 * and helmet's defaults (a CSP for HTML pages) would fight the docs page's own.
 */
import fp from 'fastify-plugin';

const ALWAYS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  // Ignored by browsers over plain HTTP; behind the TLS terminator it pins HTTPS.
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};
const JSON_ONLY: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

export default fp(
  async (app) => {
    app.addHook('onSend', async (_req, reply, payload) => {
      for (const [name, value] of Object.entries(ALWAYS)) if (!reply.hasHeader(name)) reply.header(name, value);
      const type = String(reply.getHeader('content-type') ?? '');
      if (type.startsWith('application/json')) {
        for (const [name, value] of Object.entries(JSON_ONLY)) if (!reply.hasHeader(name)) reply.header(name, value);
        // A payment or a key must not sit in a browser's or a proxy's cache.
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      }
      return payload;
    });
  },
  { name: 'security-headers' },
);
