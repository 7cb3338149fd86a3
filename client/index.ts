/**
 * The merchant API client: openapi-fetch over the types generated from the service's document.
 *
 *   const api = createGatewayClient({ baseUrl: 'https://payments.your-domain', apiKey: 'fgw_...' });
 *   const { data, error, response } = await api.POST('/v1/payments', { params: { header: { 'idempotency-key': key } }, body });
 */
import createClient, { type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.ts';

export type { paths, components, operations } from './schema.ts';

export interface GatewayClientOptions extends ClientOptions {
  baseUrl: string;
  /** The merchant API key, sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
}

export function createGatewayClient({ apiKey, headers, ...options }: GatewayClientOptions) {
  return createClient<paths>({
    ...options,
    headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(headers as Record<string, string> | undefined) },
  });
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;
