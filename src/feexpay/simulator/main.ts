/**
 * `npm run simulator`: FeexPay's API on a local port, with no money moving.
 * Env: SIMULATOR_PORT (4010), SIMULATOR_HOST (127.0.0.1), SIMULATOR_API_KEY, SIMULATOR_SHOP_ID,
 * SIMULATOR_WEBHOOK_URL, SIMULATOR_SETTLE_DELAY_MS, SIMULATOR_CONTROL_FROM_NETWORK (false: the
 * /_simulator control API answers loopback clients only), LOG_LEVEL.
 * Its log goes through the service's masking, so the webhook URL's token never reaches it.
 */
import { LOG_LEVELS } from '../../config.ts';
import { maskedLogger } from '../../observability/logger.ts';
import { API_KEY_PATTERN, SIMULATOR_DEFAULT_API_KEY } from './options.ts';
import { startSimulator } from './server.ts';

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(1);
}

function intFromEnv(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) fail(`${name} must be an integer between 0 and ${max}`);
  return n;
}

const env = process.env;
const apiKey = env.SIMULATOR_API_KEY || undefined;
if (apiKey !== undefined && !API_KEY_PATTERN.test(apiKey)) fail('SIMULATOR_API_KEY must be "fp_" followed by 64 letters or digits');
const webhookUrl = env.SIMULATOR_WEBHOOK_URL || undefined;
if (webhookUrl !== undefined && !URL.canParse(webhookUrl)) fail('SIMULATOR_WEBHOOK_URL must be an absolute URL');

const logLevel = env.LOG_LEVEL || 'info';
if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) fail(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
const controlFromNetwork = env.SIMULATOR_CONTROL_FROM_NETWORK ?? '';
if (!['', 'true', 'false'].includes(controlFromNetwork)) fail('SIMULATOR_CONTROL_FROM_NETWORK must be true or false');

const sim = await startSimulator({
  host: env.SIMULATOR_HOST || '127.0.0.1',
  port: intFromEnv('SIMULATOR_PORT', 4010, 65535),
  apiKey,
  shopId: env.SIMULATOR_SHOP_ID || undefined,
  webhookUrl,
  settleDelayMs: intFromEnv('SIMULATOR_SETTLE_DELAY_MS', 3000, 3_600_000),
  loggerInstance: maskedLogger(logLevel),
  controlFromNetwork: controlFromNetwork === 'true',
});

sim.app.log.info(
  { url: sim.url, webhookUrl: webhookUrl ?? null, defaultKey: apiKey === undefined || apiKey === SIMULATOR_DEFAULT_API_KEY },
  `FeexPay simulator listening on ${sim.url} (no money moves; outcomes by the phone number's last two digits, see src/feexpay/simulator/README.md)`,
);

const stop = async (): Promise<void> => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
