/**
 * The FeexPay client as `fastify.feexpay(livemode)`. The simulator is mounted in this same server
 * under /_feexpay and a client talks to it over loopback HTTP, so the whole wire path runs even on
 * a bare machine: test keys always use it, live keys use it when no FEEXPAY_API_KEY is set (the
 * log says plainly that no money moves then), and live keys never use it otherwise.
 */
import fp from 'fastify-plugin';
import type { AddressInfo } from 'node:net';
import { createFeexPayClient } from '../../feexpay/client.ts';
import { createSimulator, feexpaySimulator, type SimulatorEngine } from '../../feexpay/simulator/index.ts';
import { isLoopback } from '../../feexpay/simulator/control-routes.ts';
import { SIMULATOR_DEFAULT_API_KEY } from '../../feexpay/simulator/options.ts';
import { createPayoutClient, type PayoutClient } from '../../feexpay/payout-client.ts';
import type { CallObserver, FeexPayClient } from '../../feexpay/types.ts';
import type { Config } from '../../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** FeexPay for a live or a test payment: test payments only ever reach the built-in simulator. */
    feexpay: (livemode: boolean) => FeexPayClient;
    /** FeexPay's payout API for a live or a test payout, chosen as for payments. */
    feexpayPayouts: (livemode: boolean) => PayoutClient;
    /** The in-process simulator: FeexPay for test keys, and for all keys without a FeexPay account. */
    feexpaySimulator: SimulatorEngine;
    /** FeexPay as last seen by real calls: no probe traffic is sent to FeexPay for health. */
    feexpayHealth: () => FeexPayHealth;
  }
}

export interface FeexPayHealth {
  status: 'up' | 'degraded' | 'unknown';
  mode: 'live' | 'simulator';
  last_ok_at: string | null;
  last_error_at: string | null;
}

export const SIMULATOR_PREFIX = '/_feexpay';

export interface FeexPayPluginOptions {
  feexpay: Config['feexpay'];
  webhookToken: string;
}

export default fp<FeexPayPluginOptions>(
  async (app, opts) => {
    const log = app.log.child({ component: 'feexpay' });
    let lastOk: Date | null = null;
    let lastError: Date | null = null;
    const observe: CallObserver = (operation, outcome, seconds) => {
      app.serviceMetrics.feexpayRequestDuration.observe({ operation, outcome }, seconds);
      if (outcome === 'timeout' || outcome === 'error') lastError = new Date();
      else lastOk = new Date();
    };
    const mode = opts.feexpay.apiKey && opts.feexpay.baseUrl ? 'live' : 'simulator';
    app.decorate('feexpayHealth', (): FeexPayHealth => ({
      status: !lastOk && !lastError ? 'unknown' : lastError && (!lastOk || lastError > lastOk) ? 'degraded' : 'up',
      mode,
      last_ok_at: lastOk?.toISOString() ?? null,
      last_error_at: lastError?.toISOString() ?? null,
    }));
    const clientFor = (baseUrl: string, apiKey: string, observed: boolean) =>
      createFeexPayClient({
        baseUrl,
        apiKey,
        shopId: opts.feexpay.shopId,
        requestTimeoutMs: opts.feexpay.requestTimeoutMs,
        statusTimeoutMs: opts.feexpay.statusTimeoutMs,
        collectionPath: opts.feexpay.collectionPath,
        logger: log,
        ...(observed ? { observe } : {}),
      });

    // The built-in simulator is always mounted: it is FeexPay for test keys in every deployment,
    // and for everyone when no FeexPay account is configured. Only loopback reaches it: the
    // service's own client is its only legitimate caller. Its requests are the service talking to
    // itself: they log only at warn and above, the client's "feexpay call" line tells the call.
    const engine = createSimulator({ apiKey: SIMULATOR_DEFAULT_API_KEY, shopId: opts.feexpay.shopId }, log);
    await app.register(
      async (scope) => {
        scope.addHook('onRequest', async (req, reply) => {
          if (!isLoopback(req.socket.remoteAddress)) return reply.code(404).send({ error: { code: 'not_found', message: 'Not found.' } });
        });
        await scope.register(feexpaySimulator, { prefix: SIMULATOR_PREFIX, engine });
      },
      { logLevel: 'warn' },
    );
    app.decorate('feexpaySimulator', engine);
    // The loopback URL is known only once the server listens; until then no payment can arrive.
    const localBase = () => {
      const addr = app.server.address() as AddressInfo | null;
      if (!addr) throw new Error('FeexPay simulator used before the server listens');
      return `http://127.0.0.1:${addr.port}`;
    };
    const lazy = <T>(make: () => T) => {
      let client: T | undefined;
      return () => (client ??= make());
    };
    // Test traffic is never observed as FeexPay's: it must not move FeexPay's alerts or dashboards.
    const sandbox = lazy(() => clientFor(localBase() + SIMULATOR_PREFIX, SIMULATOR_DEFAULT_API_KEY, false));
    // No FeexPay account: the simulator stands in for FeexPay for live keys (the embedded
    // default), observed like FeexPay so the whole monitoring stack can be tried on it.
    const live =
      mode === 'live'
        ? lazy(() => clientFor(opts.feexpay.baseUrl!, opts.feexpay.apiKey!, true))
        : lazy(() => clientFor(localBase() + SIMULATOR_PREFIX, SIMULATOR_DEFAULT_API_KEY, true));
    app.decorate('feexpay', (livemode: boolean) => (livemode ? live() : sandbox()));
    // Payouts go the same way: test payouts to the simulator only, unobserved.
    const payoutClientFor = (baseUrl: string, apiKey: string, observed: boolean) =>
      createPayoutClient({
        baseUrl,
        apiKey,
        shopId: opts.feexpay.shopId,
        requestTimeoutMs: opts.feexpay.requestTimeoutMs,
        statusTimeoutMs: opts.feexpay.statusTimeoutMs,
        logger: log,
        ...(observed ? { observe } : {}),
      });
    const sandboxPayouts = lazy(() => payoutClientFor(localBase() + SIMULATOR_PREFIX, SIMULATOR_DEFAULT_API_KEY, false));
    const livePayouts =
      mode === 'live'
        ? lazy(() => payoutClientFor(opts.feexpay.baseUrl!, opts.feexpay.apiKey!, true))
        : lazy(() => payoutClientFor(localBase() + SIMULATOR_PREFIX, SIMULATOR_DEFAULT_API_KEY, true));
    app.decorate('feexpayPayouts', (livemode: boolean) => (livemode ? livePayouts() : sandboxPayouts()));
    app.addHook('onListen', async () => {
      engine.setWebhookUrl(`${localBase()}/v1/webhooks/feexpay/${opts.webhookToken}`);
      if (mode === 'live') log.info({ base_url: opts.feexpay.baseUrl }, 'FeexPay client configured; test keys use the built-in simulator');
      else log.warn({ simulator: SIMULATOR_PREFIX }, 'NO FEEXPAY_API_KEY: payments go to the built-in FeexPay SIMULATOR. NO MONEY MOVES.');
    });
  },
  { name: 'feexpay', dependencies: ['metrics'] },
);
