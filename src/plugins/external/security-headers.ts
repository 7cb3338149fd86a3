/**
 * Security headers on every answer (the admin area adds its own Content-Security-Policy through
 * helmet). API answers are JSON a browser must never sniff, frame or store: nosniff, no-store,
 * a CSP that allows nothing, no referrer. Set by hand rather than with helmet: six fixed headers,
 * and helmet's defaults (a CSP for HTML pages) would fight the docs page's own.
 */
import fp from 'fastify-plugin';

const ALWAYS = Object.entries({
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  // Ignored by browsers over plain HTTP; behind the TLS terminator it pins HTTPS.
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
});
const JSON_ONLY = Object.entries({
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
});

// A callback hook with the lists built once: it runs on every answer.
export default fp(
  async (app) => {
    app.addHook('onSend', (_req, reply, payload, done) => {
      for (const [name, value] of ALWAYS) if (!reply.hasHeader(name)) reply.header(name, value);
      const type = String(reply.getHeader('content-type') ?? '');
      if (type.startsWith('application/json')) {
        for (const [name, value] of JSON_ONLY) if (!reply.hasHeader(name)) reply.header(name, value);
        // A payment or a key must not sit in a browser's or a proxy's cache.
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      }
      done(null, payload);
    });
  },
  { name: 'security-headers' },
);
