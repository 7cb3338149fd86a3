/** Where the service listens and whom it believes: PORT, HOST, METRICS_PORT, TRUST_PROXY, Redis, the key cache. */
import net from 'node:net';
import type { Config } from '../config.ts';
import { ConfigError, int, optional, str, url, type Env } from './env.ts';

/** An address or a name to listen on: an IPv4/IPv6 literal, or a host name (resolved at listen). */
function host(env: Env, name: string, fallback: string): string {
  const raw = str(env, name, fallback);
  if (net.isIP(raw)) return raw;
  // Dotted digits that are not an IPv4 address (999.1.1.1) would be looked up as a name and fail late.
  if (/^[\d.]+$/.test(raw) || !/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(raw)) {
    throw new ConfigError(name, `must be an IP address or a host name, got "${raw}"`);
  }
  return raw;
}

// proxy-addr's names for the usual private ranges, accepted as they are.
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_NAMES.has(entry) || net.isIP(entry)) return true;
  const [addr, bits, ...rest] = entry.split('/');
  if (rest.length || addr === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = net.isIP(addr);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Off unless set: with it on, the client address (rate limits, logs) is read from X-Forwarded-For,
 * which any client can write; only the hops in front of the service may be believed.
 */
function trustProxy(env: Env, name: string): false | number | string[] {
  const raw = optional(env, name);
  if (raw === null || ['false', '0', 'no', 'off'].includes(raw)) return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError(name, `hop count must be between 0 and 10, got ${hops}`);
    return hops;
  }
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.find((e) => !isAddressOrCidr(e));
  if (raw === 'true' || bad !== undefined || entries.length === 0) {
    throw new ConfigError(name, `must be false, a hop count (1) or a list of addresses / CIDR ranges (10.0.0.0/8,127.0.0.1), got "${bad ?? raw}"`);
  }
  return entries;
}

/**
 * Fastify's form of TRUST_PROXY. A hop count becomes a function: Fastify's own numeric setting
 * trusts no hop at all (it cannot check the nearest peer), which would make the setting a no-op.
 */
export function trustProxyOption(setting: Config['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

export function httpSettings(env: Env): Pick<Config, 'port' | 'host' | 'metricsPort' | 'trustProxy' | 'apiKeyCacheTtlMs' | 'redisUrl'> {
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: host(env, 'HOST', '0.0.0.0'),
    metricsPort: env.METRICS_PORT ? int(env, 'METRICS_PORT', 9091, 0, 65535) : null,
    trustProxy: trustProxy(env, 'TRUST_PROXY'),
    apiKeyCacheTtlMs: int(env, 'API_KEY_CACHE_TTL_MS', 5_000, 0, 60_000),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
  };
}
