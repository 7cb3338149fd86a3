/**
 * Every answer names its request: a `Request-Id` header (the id in the service's log lines), and
 * `request_id` in every error body, so a merchant can quote one line to support.
 */
import fp from 'fastify-plugin';

interface ErrorPayload {
  error: { code: string; request_id?: string };
}

const isErrorPayload = (p: unknown): p is ErrorPayload =>
  typeof p === 'object' && p !== null && typeof (p as ErrorPayload).error === 'object' && (p as ErrorPayload).error !== null && typeof (p as ErrorPayload).error.code === 'string';

export default fp(
  async (app) => {
    app.addHook('onRequest', async (req, reply) => {
      reply.header('request-id', req.id);
    });
    app.addHook('preSerialization', async (req, _reply, payload) => {
      if (!isErrorPayload(payload) || payload.error.request_id) return payload;
      return { ...payload, error: { ...payload.error, request_id: req.id } };
    });
  },
  { name: 'request-id' },
);
