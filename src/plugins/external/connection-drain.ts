/**
 * Once the drain has begun (app.close(): SIGTERM in src/server.ts), every answer closes its
 * connection. Node's server.close() ends only the connections idle at that moment, and Fastify
 * marks `Connection: close` on requests that arrive during the drain, not on those already in
 * flight: a connection busy at SIGTERM (an ingress's or a merchant's keep-alive connection
 * waiting on FeexPay) stayed open after its answer, the drain waited for it up to the keep-alive
 * timeout (72 s), and close-with-grace's bound killed the process with exit 1 before the
 * database and the log files were closed. With the header the client also knows not to send
 * another request on it, so no request races the close.
 */
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    let draining = false;
    app.addHook('preClose', async () => {
      draining = true;
    });
    // A callback hook: it runs on every answer.
    app.addHook('onSend', (_req, reply, payload, done) => {
      if (draining) reply.header('connection', 'close');
      done(null, payload);
    });
  },
  { name: 'connection-drain' },
);
