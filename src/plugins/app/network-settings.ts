/** The operators' settings in force as `fastify.networkSettings` (configuration + /admin overrides). */
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { createNetworkSettingsStore, type NetworkSettingsStore } from '../../payments/network-settings-store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    networkSettings: NetworkSettingsStore;
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    app.decorate('networkSettings', createNetworkSettingsStore(app.db, config.networks));
  },
  { name: 'network-settings', dependencies: ['db'] },
);
