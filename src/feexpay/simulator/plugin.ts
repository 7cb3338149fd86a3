/**
 * The simulator as a Fastify plugin, so the service can mount it in process (e.g. under
 * `/_feexpay`) and run with no FeexPay account. Encapsulated on purpose: its hooks (outage switch,
 * Bearer check) must not touch the host's routes.
 */
import type { FastifyPluginAsync } from 'fastify';
import { checkoutRoutes } from './checkout.ts';
import { controlRoutes } from './control-routes.ts';
import { SimulatorEngine } from './engine.ts';
import type { SimulatorOptions } from './options.ts';
import { feexpayRoutes } from './routes.ts';

export interface FeexPaySimulatorPluginOptions extends SimulatorOptions {
  /**
   * An engine made with createSimulator(), so the host keeps a handle on it (to set the webhook
   * URL once it knows its own port). Without one the plugin makes its own from the options.
   */
  engine?: SimulatorEngine;
  /**
   * Serve the control API (force outcomes, change the webhook URL: no key) to any client. Off by
   * default: only loopback clients reach it, whatever address the server listens on.
   */
  controlFromNetwork?: boolean;
}

export const feexpaySimulator: FastifyPluginAsync<FeexPaySimulatorPluginOptions> = async (app, opts) => {
  const engine = opts.engine ?? new SimulatorEngine(opts, app.log);
  await app.register(feexpayRoutes(engine));
  await app.register(checkoutRoutes(engine));
  if (engine.options.control) await app.register(controlRoutes(engine, { fromNetwork: opts.controlFromNetwork ?? false }));
  // preClose, not onClose: hung and slow requests must be released before the server waits for them.
  app.addHook('preClose', async () => engine.close());
};
