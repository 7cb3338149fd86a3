/**
 * The operators' settings in force: the configuration's, overridden per network by what an
 * operator saved in /admin (table network_settings). Read on every payment, so kept in memory for
 * a few seconds; every replica sees an edit within that time.
 */
import type { Knex } from 'knex';
import { applyPatch, type NetworkSetting, type NetworkSettingPatch, type NetworkSettings } from '../domain/network-settings.ts';
import { isNetwork, type Network } from '../domain/networks.ts';

interface OverrideRow {
  network: string;
  enabled: boolean | null;
  min_amount: string | number | null;
  max_amount: string | number | null;
}

const CACHE_MS = 5_000;

export function createNetworkSettingsStore(db: Knex, configured: NetworkSettings, cacheMs = CACHE_MS) {
  let cache: { at: number; value: NetworkSettings } | undefined;

  const patchOfRow = (r: OverrideRow): NetworkSettingPatch => ({
    enabled: r.enabled ?? undefined,
    minAmount: r.min_amount === null ? undefined : Number(r.min_amount),
    maxAmount: r.max_amount === null ? undefined : Number(r.max_amount),
  });

  async function load(): Promise<NetworkSettings> {
    const rows = await db<OverrideRow>('network_settings').select('network', 'enabled', 'min_amount', 'max_amount');
    const out = structuredClone(configured);
    for (const r of rows) {
      if (!isNetwork(r.network)) continue;
      try {
        out[r.network] = applyPatch(out[r.network], patchOfRow(r), r.network);
      } catch {
        // An override made void by a later configuration change (min above the new max): the configuration holds.
      }
    }
    return out;
  }

  async function all(): Promise<NetworkSettings> {
    if (!cache || Date.now() - cache.at > cacheMs) cache = { at: Date.now(), value: await load() };
    return cache.value;
  }

  return {
    all,
    configured: () => configured,
    /** The networks an operator has overridden in /admin. */
    async overridden(): Promise<Set<string>> {
      return new Set((await db('network_settings').select('network')).map((r: { network: string }) => r.network));
    },
    async get(network: Network): Promise<NetworkSetting> {
      return (await all())[network];
    },
    /** Saves an override (validated against FeexPay's limits); throws NetworkSettingsError naming `what`'s field. */
    async update(network: Network, patch: NetworkSettingPatch, what = 'body'): Promise<NetworkSetting> {
      const next = applyPatch((await load())[network], patch, what);
      await db('network_settings')
        .insert({ network, enabled: next.enabled, min_amount: next.minAmount, max_amount: next.maxAmount, updated_at: db.fn.now() })
        .onConflict('network')
        .merge();
      cache = undefined;
      return next;
    },
    /** Drops the override: the configuration's setting applies again. */
    async reset(network: Network): Promise<NetworkSetting> {
      await db('network_settings').where({ network }).del();
      cache = undefined;
      return configured[network];
    },
  };
}

export type NetworkSettingsStore = ReturnType<typeof createNetworkSettingsStore>;
