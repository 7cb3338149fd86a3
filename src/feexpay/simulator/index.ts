/** Public surface of the FeexPay simulator. */
export { feexpaySimulator, type FeexPaySimulatorPluginOptions } from './plugin.ts';
export { startSimulator, createSimulator, type StartSimulatorOptions, type RunningSimulator } from './server.ts';
export { SimulatorEngine, type SimulatorControl } from './engine.ts';
export type { PaymentView } from './answers.ts';
export { SIMULATOR_DEFAULT_API_KEY, SIMULATOR_DEFAULT_SHOP_ID, API_KEY_PATTERN, type SimulatorOptions, type DownMode } from './options.ts';
export { SCENARIOS, scenarioFor, type Scenario, type FinalStatus } from './scenarios.ts';
export type { SimulatorCounters } from './store.ts';
export { webhookPayload, type WebhookPayload } from './webhook.ts';
