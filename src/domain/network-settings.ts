/**
 * Per-operator settings: whether the service sends payments to an operator at all (maintenance),
 * and the smallest and largest amount it accepts for it, within FeexPay's own limits. From the
 * configuration (NETWORK_SETTINGS, NETWORK_MAINTENANCE); operators may override them in /admin.
 */
import { AMOUNT_LIMITS, isNetwork, NETWORKS, type Network } from './networks.ts';

export interface NetworkSetting {
  enabled: boolean;
  minAmount: number;
  maxAmount: number;
}

export type NetworkSettings = Record<Network, NetworkSetting>;

/** A partial setting, as configured or edited: what is not given keeps the default. */
export interface NetworkSettingPatch {
  enabled?: boolean;
  minAmount?: number;
  maxAmount?: number;
}

export const DEFAULT_SETTING: NetworkSetting = { enabled: true, minAmount: AMOUNT_LIMITS.min, maxAmount: AMOUNT_LIMITS.max };

export class NetworkSettingsError extends Error {}

/** Applies a patch, refusing limits outside FeexPay's or a minimum above the maximum. */
export function applyPatch(base: NetworkSetting, patch: NetworkSettingPatch, what: string): NetworkSetting {
  const next = { ...base, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as NetworkSetting;
  for (const [key, name] of [
    ['minAmount', 'min'],
    ['maxAmount', 'max'],
  ] as const) {
    const v = next[key];
    if (!Number.isSafeInteger(v) || v < AMOUNT_LIMITS.min || v > AMOUNT_LIMITS.max) {
      throw new NetworkSettingsError(`${what}.${name} must be a whole number from ${AMOUNT_LIMITS.min} to ${AMOUNT_LIMITS.max}`);
    }
  }
  if (next.minAmount > next.maxAmount) throw new NetworkSettingsError(`${what}.min must not exceed ${what}.max`);
  if (typeof next.enabled !== 'boolean') throw new NetworkSettingsError(`${what}.enabled must be true or false`);
  return next;
}

/** `{ enabled?, min?, max? }` as configured or posted, checked key by key. */
export function patchOf(raw: unknown, what: string): NetworkSettingPatch {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new NetworkSettingsError(`${what} must be an object`);
  const { enabled, min, max, ...rest } = raw as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw new NetworkSettingsError(`${what} has unknown keys ${unknownKeys.join(', ')} (allowed: enabled, min, max)`);
  if (enabled !== undefined && typeof enabled !== 'boolean') throw new NetworkSettingsError(`${what}.enabled must be true or false`);
  const num = (v: unknown, key: string) => {
    if (v !== undefined && typeof v !== 'number') throw new NetworkSettingsError(`${what}.${key} must be a number`);
    return v as number | undefined;
  };
  return { enabled: enabled as boolean | undefined, minAmount: num(min, 'min'), maxAmount: num(max, 'max') };
}

/**
 * NETWORK_SETTINGS: JSON `{ "<network>": { "enabled": bool, "min": int, "max": int } }`;
 * NETWORK_MAINTENANCE: comma-separated networks turned off (wins over `enabled`).
 */
export function parseNetworkSettings(settingsJson: string | undefined, maintenance: string | undefined): NetworkSettings {
  let parsed: unknown = {};
  if (settingsJson !== undefined && settingsJson.trim() !== '') {
    try {
      parsed = JSON.parse(settingsJson);
    } catch {
      throw new NetworkSettingsError('NETWORK_SETTINGS must be JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new NetworkSettingsError('NETWORK_SETTINGS must be a JSON object');
  const settings = Object.fromEntries(NETWORKS.map((n) => [n, { ...DEFAULT_SETTING }])) as NetworkSettings;
  for (const [network, raw] of Object.entries(parsed)) {
    if (!isNetwork(network)) throw new NetworkSettingsError(`NETWORK_SETTINGS names an unknown network "${network}"`);
    settings[network] = applyPatch(settings[network], patchOf(raw, `NETWORK_SETTINGS.${network}`), `NETWORK_SETTINGS.${network}`);
  }
  for (const name of (maintenance ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!isNetwork(name)) throw new NetworkSettingsError(`NETWORK_MAINTENANCE names an unknown network "${name}"`);
    settings[name] = { ...settings[name], enabled: false };
  }
  return settings;
}
