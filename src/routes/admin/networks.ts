/**
 * The operators' settings in /admin: the page with its forms (/admin/networks) and the JSON API
 * (/admin/api/networks) for scripts. Both write the same overrides (network_settings), which every
 * replica reads within seconds.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { NetworkSettingsError, patchOf, type NetworkSettingPatch } from '../../domain/network-settings.ts';
import { isNetwork, NETWORKS, type Network } from '../../domain/networks.ts';
import { acceptFormBodies } from '../../http/form-body.ts';
import { renderNetworksPage } from '../../admin/networks-page.ts';
import { ApiError } from '../../plugins/app/errors.ts';
import type { NetworkSettingView } from '../../schemas/collection.ts';

async function views(app: Parameters<FastifyPluginAsync>[0]): Promise<NetworkSettingView[]> {
  const [all, overridden] = await Promise.all([app.networkSettings.all(), app.networkSettings.overridden()]);
  return NETWORKS.map((network) => ({
    network,
    enabled: all[network].enabled,
    min_amount: all[network].minAmount,
    max_amount: all[network].maxAmount,
    overridden: overridden.has(network),
  }));
}

function networkOf(name: string): Network {
  if (!isNetwork(name)) throw new ApiError(404, 'network_not_found', `No network ${name}`);
  return name;
}

/** A form posts strings; an unchecked box posts nothing (= disabled). */
function formPatch(fields: Record<string, unknown>): NetworkSettingPatch {
  const num = (v: unknown, name: string) => {
    if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) throw new NetworkSettingsError(`body.${name} must be a whole number`);
    return Number(v);
  };
  return { enabled: fields.enabled === 'true', minAmount: num(fields.min, 'min'), maxAmount: num(fields.max, 'max') };
}

const networksAdmin: FastifyPluginAsync<{ assetVersion: string }> = async (app, { assetVersion }) => {
  acceptFormBodies(app);
  const page = async (reply: FastifyReply, status = 200, error?: string) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .send(renderNetworksPage(await views(app), assetVersion, error));

  app.get('/networks', { schema: { hide: true } }, async (_req, reply) => page(reply));

  app.post<{ Params: { network: string } }>('/networks/:network', { schema: { hide: true } }, async (req, reply) => {
    const network = networkOf(req.params.network);
    try {
      await app.networkSettings.update(network, formPatch((req.body ?? {}) as Record<string, unknown>));
    } catch (err) {
      if (err instanceof NetworkSettingsError) return page(reply, 400, `${network}: ${err.message}`);
      throw err;
    }
    req.log.info({ event: 'admin.network_settings_changed', network }, 'operator settings changed');
    return reply.redirect('/admin/networks', 303);
  });

  app.post<{ Params: { network: string } }>('/networks/:network/reset', { schema: { hide: true } }, async (req, reply) => {
    const network = networkOf(req.params.network);
    await app.networkSettings.reset(network);
    req.log.info({ event: 'admin.network_settings_reset', network }, 'operator settings back to configuration');
    return reply.redirect('/admin/networks', 303);
  });

  app.get('/api/networks', { schema: { hide: true } }, async () => ({ object: 'list', data: await views(app) }));

  app.put<{ Params: { network: string }; Body: unknown }>('/api/networks/:network', { schema: { hide: true } }, async (req) => {
    const network = networkOf(req.params.network);
    try {
      await app.networkSettings.update(network, patchOf(req.body, 'body'));
    } catch (err) {
      if (err instanceof NetworkSettingsError) throw new ApiError(400, 'invalid_network_setting', err.message);
      throw err;
    }
    req.log.info({ event: 'admin.network_settings_changed', network }, 'operator settings changed');
    return (await views(app)).find((v) => v.network === network);
  });

  app.delete<{ Params: { network: string } }>('/api/networks/:network', { schema: { hide: true } }, async (req) => {
    const network = networkOf(req.params.network);
    await app.networkSettings.reset(network);
    return (await views(app)).find((v) => v.network === network);
  });
};

export default networksAdmin;
