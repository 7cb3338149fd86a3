/**
 * The admin area's own gate: HTTP Basic with ADMIN_USER / ADMIN_PASSWORD, separate from merchant
 * API keys. A merchant key opens nothing here, and an admin login opens nothing in /v1.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { credentialsMatch, parseBasicAuth, type AdminCredentials } from '../../admin/credentials.ts';

const REALM = 'Basic realm="feexpay-gateway admin", charset="UTF-8"';

export function basicAuth(expected: AdminCredentials): onRequestAsyncHookHandler {
  return async function checkAdmin(req: FastifyRequest, reply: FastifyReply) {
    if (credentialsMatch(parseBasicAuth(req.headers.authorization), expected)) return;
    if (req.headers.authorization) req.log.warn({ ip: req.ip }, 'admin: rejected credentials');
    return reply
      .status(401)
      .header('www-authenticate', REALM)
      .header('cache-control', 'no-store')
      .send({ error: { code: 'unauthorized', message: 'Admin credentials required.' } });
  };
}
