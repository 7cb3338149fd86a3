/** The FeexPay account, how it is called, the webhook's secret path, and the operators' limits. */
import type { Config } from '../config.ts';
import { NetworkSettingsError, parseNetworkSettings, type NetworkSettings } from '../domain/network-settings.ts';
import { COLLECTION_PATHS } from '../feexpay/types.ts';
import { ConfigError, int, oneOf, optional, str, url, type Env } from './env.ts';

const FEEXPAY_KEY = /^fp_[A-Za-z0-9]{64}$/;
const DEFAULT_FEEXPAY_BASE_URL = 'https://api-v2.feexpay.me';

export interface FeexPayAccount {
  apiKey: string | null;
  shopId: string;
  webhookToken: string;
}

/** FEEXPAY_API_KEY, FEEXPAY_SHOP_ID and WEBHOOK_TOKEN, read first: other defaults follow from the key. */
export function feexpayAccount(env: Env): FeexPayAccount {
  const apiKey = optional(env, 'FEEXPAY_API_KEY');
  if (apiKey !== null && !FEEXPAY_KEY.test(apiKey)) {
    throw new ConfigError('FEEXPAY_API_KEY', 'must be "fp_" followed by 64 letters or digits');
  }
  const shopId = str(env, 'FEEXPAY_SHOP_ID', '');
  if (apiKey !== null && !/^[A-Za-z0-9]{10,40}$/.test(shopId)) {
    throw new ConfigError('FEEXPAY_SHOP_ID', 'is required with FEEXPAY_API_KEY (letters and digits)');
  }
  const webhookToken = str(env, 'WEBHOOK_TOKEN', apiKey === null ? 'dev-webhook-token' : '');
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(webhookToken)) {
    throw new ConfigError('WEBHOOK_TOKEN', 'must be 16 to 128 URL-safe characters (required with FEEXPAY_API_KEY)');
  }
  return { apiKey, shopId, webhookToken };
}

export function feexpaySettings(env: Env, { apiKey, shopId }: FeexPayAccount): Config['feexpay'] {
  return {
    apiKey,
    shopId: shopId || 'simulatorshop00',
    baseUrl: url(env, 'FEEXPAY_BASE_URL', ['https:', 'http:']) ?? (apiKey ? DEFAULT_FEEXPAY_BASE_URL : null),
    requestTimeoutMs: int(env, 'FEEXPAY_REQUEST_TIMEOUT_MS', 30_000, 100, 180_000),
    statusTimeoutMs: int(env, 'FEEXPAY_STATUS_TIMEOUT_MS', 10_000, 100, 60_000),
    collectionPath: oneOf(env, 'FEEXPAY_COLLECTION_PATH', COLLECTION_PATHS, 'integration'),
  };
}

export function networkSettings(env: Env): NetworkSettings {
  try {
    return parseNetworkSettings(env.NETWORK_SETTINGS, env.NETWORK_MAINTENANCE);
  } catch (err) {
    // The message starts with the variable (and the key inside it): "NETWORK_SETTINGS.mtn.min must ...".
    if (err instanceof NetworkSettingsError) {
      const [variable = 'NETWORK_SETTINGS', ...problem] = err.message.split(' ');
      throw new ConfigError(variable, problem.join(' '));
    }
    throw err;
  }
}
