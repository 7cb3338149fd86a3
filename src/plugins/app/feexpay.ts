/**
 * The FeexPay client as `fastify.feexpay()`. With no FEEXPAY_API_KEY the simulator is mounted in
 * this same server under /_feexpay and the client talks to it over loopback HTTP, so the whole
 * wire path runs even on a bare machine; the log says plainly that no money moves.
 */
import fp from 'fastify-plugin';
import type { AddressInfo } from 'node:net';
import { createFeexPayClient } from '../../feexpay/client.ts';
import { createSimulator, feexpaySimulator, type SimulatorEngine } from '../../feexpay/simulator/index.ts';
import { SIMULATOR_DEFAULT_API_KEY } from '../../feexpay/simulator/options.ts';
import { createPayoutClient, type PayoutClient } from '../../feexpay/payout-client.ts';
import type { CallOutcome, FeexPayClient, FeexPayOperation } from '../../feexpay/types.ts';
import type { Config } from '../../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    feexpay: () => FeexPayClient;
    /** FeexPay's payout API, on the same account (or simulator) as collections. */
    feexpayPayouts: () => PayoutClient;
    /** The in-process simulator, when no FeexPay account is configured. */
    feexpaySimulator: SimulatorEngine | null;
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
    const observe = (operation: FeexPayOperation, outcome: CallOutcome, seconds: number) => {
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
    const clientOptions = (baseUrl: string, apiKey: string) => ({
      baseUrl,
      apiKey,
      shopId: opts.feexpay.shopId,
      requestTimeoutMs: opts.feexpay.requestTimeoutMs,
      statusTimeoutMs: opts.feexpay.statusTimeoutMs,
      logger: log,
      observe,
    });
    const clientFor = (baseUrl: string, apiKey: string) => createFeexPayClient(clientOptions(baseUrl, apiKey));

    if (mode === 'live' && opts.feexpay.apiKey && opts.feexpay.baseUrl) {
      const client = clientFor(opts.feexpay.baseUrl, opts.feexpay.apiKey);
      const payouts = createPayoutClient(clientOptions(opts.feexpay.baseUrl, opts.feexpay.apiKey));
      app.decorate('feexpay', () => client);
      app.decorate('feexpayPayouts', () => payouts);
      app.decorate('feexpaySimulator', null);
      log.info({ base_url: opts.feexpay.baseUrl }, 'FeexPay client configured');
      return;
    }

    const engine = createSimulator({ apiKey: SIMULATOR_DEFAULT_API_KEY, shopId: opts.feexpay.shopId }, log);
    await app.register(feexpaySimulator, { prefix: SIMULATOR_PREFIX, engine });
    app.decorate('feexpaySimulator', engine);
    // The loopback URL is known only once the server listens; until then no payment can arrive.
    let client: FeexPayClient | undefined;
    const localBase = () => {
      const addr = app.server.address() as AddressInfo | null;
      if (!addr) throw new Error('FeexPay simulator used before the server listens');
      return `http://127.0.0.1:${addr.port}`;
    };
    app.decorate('feexpay', () => (client ??= clientFor(localBase() + SIMULATOR_PREFIX, SIMULATOR_DEFAULT_API_KEY)));
    let payouts: PayoutClient | undefined;
    app.decorate('feexpayPayouts', () => (payouts ??= createPayoutClient(clientOptions(localBase() + SIMULATOR_PREFIX, SIMULATOR_DEFAULT_API_KEY))));
    app.addHook('onListen', async () => {
      engine.setWebhookUrl(`${localBase()}/v1/webhooks/feexpay/${opts.webhookToken}`);
      log.warn(
        { simulator: SIMULATOR_PREFIX },
        'NO FEEXPAY_API_KEY: payments go to the built-in FeexPay SIMULATOR. NO MONEY MOVES.',
      );
    });
  },
  { name: 'feexpay', dependencies: ['metrics'] },
);
