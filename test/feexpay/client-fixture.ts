/**
 * The client tests' shared setup: a simulator on loopback for the file, reset before each test,
 * a client with a recording logger and observer, and helpers to pay and poll.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { createFeexPayClient } from '../../src/feexpay/client.ts';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import type { FeexPayClient, RequestToPayInput, RequestToPayResult } from '../../src/feexpay/types.ts';
import { bj, recorder } from './helpers.ts';

export const SHOP = 'shop00000000001';

export function accepted(r: RequestToPayResult) {
  assert.equal(r.kind, 'accepted', JSON.stringify(r));
  return r as Extract<RequestToPayResult, { kind: 'accepted' }>;
}

/** Registers the file's hooks; the returned accessors are valid inside its tests. */
export function clientFixture() {
  const rec = recorder();
  let sim: RunningSimulator;
  let client: FeexPayClient;

  function makeClient(overrides: Partial<Parameters<typeof createFeexPayClient>[0]> = {}): FeexPayClient {
    return createFeexPayClient({
      baseUrl: sim.url,
      apiKey: sim.apiKey,
      shopId: SHOP,
      // Generous for a loaded 2-core CI machine, yet well under the slow scenario's 4 s.
      requestTimeoutMs: 1500,
      statusTimeoutMs: 1500,
      logger: rec.logger,
      observe: rec.observe,
      ...overrides,
    });
  }

  const pay = (suffix: string, extra: Partial<RequestToPayInput> = {}): Promise<RequestToPayResult> =>
    client.requestToPay({
      network: 'mtn',
      phoneNumber: bj(suffix),
      amount: 1500,
      callbackInfo: `pay_${suffix}_${Math.random().toString(36).slice(2)}`,
      firstName: 'Afi',
      lastName: 'Dossou',
      email: 'afi@example.com',
      description: 'Order 42',
      ...extra,
    });

  async function pollUntilFinal(reference: string) {
    for (let i = 0; i < 100; i += 1) {
      const s = await client.getStatus(reference);
      if (s.kind === 'found' && s.status !== 'pending') return s;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('payment never settled');
  }

  before(async () => {
    sim = await startSimulator({ shopId: SHOP, settleDelayMs: 50, slowResponseMs: 4000, statusErrorCount: 2, webhookRetryIntervalMs: 20 });
    client = makeClient();
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.reset();
    sim.setSettleDelay(50);
    rec.reset();
  });

  return {
    rec,
    get sim() {
      return sim;
    },
    get client() {
      return client;
    },
    makeClient,
    pay,
    pollUntilFinal,
  };
}
