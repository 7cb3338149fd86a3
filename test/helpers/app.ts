/**
 * A real service on a loopback port, on its own database, with the in-process FeexPay
 * simulator. Every log line goes to test-artifacts/logs so the suite can scan them for personal data.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/build-app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createMerchant } from '../../src/merchants/merchants.ts';
import type { SimulatorControl } from '../../src/feexpay/simulator/index.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export const LOG_DIR = path.resolve('test-artifacts/logs');

export interface TestApp {
  app: FastifyInstance;
  url: string;
  apiKey: string;
  merchantId: string;
  database: TestDatabase;
  /** The in-process simulator, or the standalone one the caller passed. */
  simulator: SimulatorControl;
  config: Config;
  close(): Promise<void>;
}

export const TEST_ENV: Record<string, string> = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
  WEBHOOK_TOKEN: 'test-webhook-token-0123456789',
  RECONCILER_ENABLED: 'false',
  RATE_LIMIT_PER_PHONE_PER_HOUR: '1000',
  // The tests' own PGlite work runs on the loop of the app it shares, and a stall of a second
  // there is not overload; shedding by loop delay is tested on its own (test/hardening/load-shedding.test.ts).
  LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
};

export async function startTestApp(name: string, env: Record<string, string> = {}, database?: TestDatabase, standalone?: SimulatorControl & { url: string }): Promise<TestApp> {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const db = database ?? (await createTestDatabase());
  const feexpayEnv = standalone ? { FEEXPAY_API_KEY: standalone.apiKey, FEEXPAY_SHOP_ID: 'simshop00000001', FEEXPAY_BASE_URL: standalone.url } : {};
  const config = loadConfig({ ...TEST_ENV, ...feexpayEnv, ...env });
  const app = await buildApp(config, { db: db.db, logFile: path.join(LOG_DIR, `${name}.log`) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const simulator = standalone ?? app.feexpaySimulator!;
  if (!standalone) simulator.setSettleDelay(Number(env.SIMULATOR_SETTLE_DELAY_MS ?? 50));
  const { merchant, apiKey } = await createMerchant(db.db, `merchant ${name}`);
  return {
    app,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    apiKey,
    merchantId: merchant.id,
    database: db,
    simulator,
    config,
    close: async () => {
      await app.close();
      if (!database) await db.drop();
    },
  };
}

/** A Benin MTN number whose last two digits pick the simulator's outcome (see the simulator README). */
export function beninPhone(outcome: string, serial = 0): string {
  return `22901${String(67000000 + serial * 100).slice(0, 6)}${outcome}`;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 5_000, stepMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
