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

// Callback hooks rather than async ones: they run on every request, and an async hook costs a
// promise and a turn of the microtask queue each time.
export default fp(
  async (app) => {
    app.addHook('onRequest', (req, reply, done) => {
      reply.header('request-id', req.id);
      done();
    });
    app.addHook('preSerialization', (req, _reply, payload, done) => {
      if (!isErrorPayload(payload) || payload.error.request_id) return done(null, payload);
      done(null, { ...payload, error: { ...payload.error, request_id: req.id } });
    });
  },
  { name: 'request-id' },
);
