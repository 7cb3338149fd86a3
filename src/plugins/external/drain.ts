/**
 * The drain: what the service does once app.close() begins (SIGTERM in src/server.ts).
 *
 * Every answer closes its connection. Node's server.close() ends only the connections idle at
 * that moment, and Fastify marks `Connection: close` on requests that arrive during the drain,
 * not on those already in flight: a connection busy at SIGTERM (an ingress's or a merchant's
 * keep-alive connection waiting on FeexPay) stayed open after its answer, the drain waited for it
 * up to the keep-alive timeout (72 s), and close-with-grace's bound killed the process with exit 1
 * before the database and the log files were closed. With the header the client also knows not
 * to send another request on it, so no request races the close.
 *
 * The work registered with `app.onDrain` (the workers' stops, the pool's idle connections) starts
 * at once, all of it together. Each stop is bounded by what it has in flight (merchant
 * deliveries, a round of payment or payout checks: up to 10 s each), but a worker not yet told
 * to stop goes on starting rounds: stopped one after another, as Fastify runs preClose hooks, they
 * could add up to 30 s of the 35 s bound.
 */
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs `stop` when the drain begins, beside the others; the database closes after all of them. */
    onDrain(stop: () => Promise<void>): void;
  }
}

export default fp(
  async (app) => {
    let draining = false;
    const stops: (() => Promise<void>)[] = [];
    app.decorate('onDrain', (stop: () => Promise<void>) => {
      stops.push(stop);
    });
    app.addHook('preClose', async () => {
      draining = true;
      const results = await Promise.allSettled(stops.map((stop) => stop()));
      for (const r of results) if (r.status === 'rejected') app.log.error({ event: 'drain.stop_failed', err: r.reason as unknown }, 'a stop at the drain failed');
    });
    // A callback hook: it runs on every answer.
    app.addHook('onSend', (_req, reply, payload, done) => {
      if (draining) reply.header('connection', 'close');
      done(null, payload);
    });
  },
  { name: 'drain' },
);
