/**
 * One simulator and one webhook receiver for a whole test file, wiped before each test. Sharing
 * them keeps a file to a single listen/close pair; the reset keeps tests from seeing each other's
 * payments, deliveries or a webhook answer a previous test changed.
 */
import { after, before, beforeEach } from 'node:test';
import { startSimulator, type RunningSimulator } from '../../src/feexpay/simulator/index.ts';
import { startReceiver, type Receiver } from './helpers.ts';

export interface SimulatorFixture {
  /** Set in `before`: read them inside tests and hooks, not at module load. */
  sim: RunningSimulator;
  hook: Receiver;
}

/** Registers the file's before/after/beforeEach hooks; call once, at the top level of a test file. */
export function useSimulator(): SimulatorFixture {
  const fixture = {} as SimulatorFixture;
  before(async () => {
    fixture.hook = await startReceiver();
    // Short delays so settlement and webhook retries happen within a test's wait.
    fixture.sim = await startSimulator({ settleDelayMs: 30, webhookRetryIntervalMs: 30, webhookUrl: fixture.hook.url });
  });
  after(async () => {
    await fixture.sim.close();
    await fixture.hook.close();
  });
  beforeEach(() => {
    fixture.sim.reset();
    // A test may point webhooks elsewhere (or nowhere) through the control API.
    fixture.sim.setWebhookUrl(fixture.hook.url);
    fixture.hook.deliveries.length = 0;
    fixture.hook.answer = () => 200;
  });
  return fixture;
}
