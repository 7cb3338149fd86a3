/**
 * The admin area's own gate: HTTP Basic with ADMIN_USER / ADMIN_PASSWORD through
 * @fastify/basic-auth, separate from merchant API keys. A merchant key opens nothing here, and an
 * admin login opens nothing in /v1. The plugin parses the header (RFC 7617, scheme
 * case-insensitive) and answers 401 with the realm; the comparison itself is credentials.ts's.
 * Wrong passwords are counted per client (see TRUST_PROXY for what "client" means behind a proxy):
 * past the limit every attempt from that client is refused with 429, right or wrong, until the
 * window ends, so guessing cannot go on at full speed.
 */
import type { FastifyInstance } from 'fastify';
import fastifyBasicAuth from '@fastify/basic-auth';
import { credentialsMatch, type AdminCredentials } from '../../admin/credentials.ts';
import { ApiError } from '../../plugins/app/errors.ts';

/** Sent as `WWW-Authenticate: Basic realm="feexpay-gateway admin", charset="UTF-8"`. */
const REALM = 'feexpay-gateway admin';

/** Registers the gate on every route of `app` (the admin plugin's context). */
export async function requireAdmin(app: FastifyInstance, expected: AdminCredentials): Promise<void> {
  await app.register(fastifyBasicAuth, {
    authenticate: { realm: REALM },
    async validate(user, password, req) {
      if (credentialsMatch({ user, password }, expected)) return;
      await app.authFailures.record(req);
      req.log.warn({ ip: req.ip }, 'admin: rejected credentials');
      throw new ApiError(401, 'unauthorized', 'Admin credentials required.');
    },
  });
  // A client past its failure limit is refused before its credentials are even looked at.
  app.addHook('onRequest', async (req) => app.authFailures.check(req));
  app.addHook('onRequest', app.basicAuth);
}
