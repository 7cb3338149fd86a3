/**
 * The admin area's own gate: HTTP Basic with ADMIN_USER / ADMIN_PASSWORD, separate from merchant
 * API keys. A merchant key opens nothing here, and an admin login opens nothing in /v1.
 * Wrong passwords are counted per client (see TRUST_PROXY for what "client" means behind a proxy):
 * past the limit every attempt from that client is refused with 429, right or wrong, until the
 * window ends, so guessing cannot go on at full speed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { credentialsMatch, parseBasicAuth, type AdminCredentials } from '../../admin/credentials.ts';

const REALM = 'Basic realm="feexpay-gateway admin", charset="UTF-8"';

export function basicAuth(app: FastifyInstance, expected: AdminCredentials): onRequestAsyncHookHandler {
  return async function checkAdmin(req: FastifyRequest, reply: FastifyReply) {
    await app.authFailures.check(req);
    if (credentialsMatch(parseBasicAuth(req.headers.authorization), expected)) return;
    if (req.headers.authorization) {
      await app.authFailures.record(req);
      req.log.warn({ ip: req.ip }, 'admin: rejected credentials');
    }
    return reply
      .status(401)
      .header('www-authenticate', REALM)
      .header('cache-control', 'no-store')
      .send({ error: { code: 'unauthorized', message: 'Admin credentials required.' } });
  };
}
