/** Runs the simulator as its own HTTP server (loopback by default), for tests and `npm run simulator`. */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { SimulatorEngine, type SimulatorControl } from './engine.ts';
import type { SimulatorOptions } from './options.ts';
import { feexpaySimulator } from './plugin.ts';

export interface StartSimulatorOptions extends SimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where its log goes (none by default). */
  loggerInstance?: FastifyBaseLogger;
  /** Serve the /_simulator control API to non-loopback clients too. */
  controlFromNetwork?: boolean;
}

export interface RunningSimulator extends SimulatorControl {
  /** Base URL to give the FeexPay client, e.g. http://127.0.0.1:4010 */
  url: string;
  engine: SimulatorEngine;
  app: FastifyInstance;
  close(): Promise<void>;
}

export function createSimulator(opts: SimulatorOptions = {}, log?: ConstructorParameters<typeof SimulatorEngine>[1]): SimulatorEngine {
  return new SimulatorEngine(opts, log);
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const { host = '127.0.0.1', port = 0, loggerInstance, controlFromNetwork, ...simOpts } = opts;
  // Two calls: Fastify's overloads type a server by its logger, and this one has either.
  const app = (loggerInstance ? Fastify({ loggerInstance, forceCloseConnections: true }) : Fastify({ logger: false, forceCloseConnections: true })) as FastifyInstance;
  const engine = new SimulatorEngine(simOpts, app.log);
  await app.register(feexpaySimulator, { engine, controlFromNetwork });
  await app.listen({ host, port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: no TCP address');
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostPart}:${address.port}`;
  return {
    url,
    engine,
    app,
    get apiKey() {
      return engine.apiKey;
    },
    counters: () => engine.counters(),
    payment: (reference) => engine.payment(reference),
    byCallbackInfo: (callbackInfo) => engine.byCallbackInfo(callbackInfo),
    forceStatus: (reference, status, reason, o) => engine.forceStatus(reference, status, reason, o),
    resendWebhook: (reference) => engine.resendWebhook(reference),
    setSettleDelay: (ms) => engine.setSettleDelay(ms),
    setWebhookUrl: (u) => engine.setWebhookUrl(u),
    setDownMode: (mode) => engine.setDownMode(mode),
    reset: () => engine.reset(),
    close: async () => {
      engine.close();
      await app.close();
    },
  };
}
