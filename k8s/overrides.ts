/**
 * A cluster's own values on top of k8s/settings.ts, without editing TypeScript: a settings file
 * (YAML or JSON, any subset of EnvSettings' fields) and a few environment variables for what CI
 * usually passes. A key the settings do not have, or a value of another type, is an error: a typo
 * must not fall back silently to a default.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EnvSettings } from './settings.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const gatewayShape: Json = { name: '', namespace: '', sectionName: null };
/**
 * Fields that may be null, with the shape they take otherwise: a value given for one must have
 * every field of that shape.
 */
const NULLABLE: Record<string, Json> = {
  'edge.gateway': gatewayShape,
  'edge.gateway.sectionName': '',
  'edge.ingress': { className: '' },
  'edge.tls.issuer': { kind: '', name: '' },
  'edge.internal': { host: '', gateway: gatewayShape },
  'edge.internal.gateway.sectionName': '',
  'alerting.destinations': { emailTo: '', slackChannel: '' },
  priorityClassName: '',
  logsVolume: { claimName: '', storageClassName: '', size: '' },
};
/** Maps whose keys are free (label sets). */
const FREE_MAPS = new Set(['prometheusSelectorLabels', 'prometheusPodLabels']);

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(base: Json, override: Json, path: string): Json {
  if (override === null) {
    if (!(path in NULLABLE)) throw new Error(`setting ${path} cannot be null`);
    return null;
  }
  if (base === null || base === undefined) {
    const shape = NULLABLE[path];
    if (shape === undefined) throw new Error(`unknown setting ${path}`);
    if (isObject(shape)) {
      const missing = Object.keys(shape).filter((k) => !(isObject(override) && k in override));
      if (missing.length) throw new Error(`setting ${path} needs ${missing.map((k) => `${path}.${k}`).join(', ')}`);
    }
    return merge(shape, override, path);
  }
  if (isObject(base)) {
    if (!isObject(override)) throw new Error(`setting ${path} must be an object`);
    if (FREE_MAPS.has(path)) {
      for (const [k, v] of Object.entries(override)) if (typeof v !== 'string') throw new Error(`setting ${path}.${k} must be a string`);
      return override;
    }
    const out: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(override)) {
      const sub = path ? `${path}.${key}` : key;
      if (!(key in base)) throw new Error(`unknown setting ${sub}`);
      out[key] = merge(base[key] ?? null, value, sub);
    }
    return out;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(override)) throw new Error(`setting ${path} must be a list`);
    return override;
  }
  if (typeof override !== typeof base) throw new Error(`setting ${path} must be a ${typeof base}, got ${JSON.stringify(override)}`);
  return override;
}

/** Applies `override` (a parsed settings file) to `settings`; `env` may not be changed. */
export function applyOverrides(settings: EnvSettings, override: unknown, source: string): EnvSettings {
  if (!isObject(override)) throw new Error(`${source}: a settings file holds a mapping of settings`);
  if ('env' in override && override.env !== settings.env) throw new Error(`${source}: written for ${String(override.env)}, synthesizing ${settings.env}`);
  try {
    return merge(settings as unknown as Json, override, '') as unknown as EnvSettings;
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`);
  }
}

export function readSettingsFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.json') ? JSON.parse(text) : parse(text);
}

/** Environment variables synth reads, and the setting each one sets. */
export const SETTING_VARIABLES = {
  SYNTH_IMAGE: 'image',
  SYNTH_HOST: 'edge.host',
  SYNTH_NAMESPACE: 'namespace',
  SYNTH_RELEASE: 'prometheusSelectorLabels.release',
} as const;

/** The override the SYNTH_* variables make (empty ones are unset). */
export function overridesFromEnv(env: Record<string, string | undefined>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [variable, path] of Object.entries(SETTING_VARIABLES)) {
    const value = env[variable];
    if (!value) continue;
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, Json>;
    node[keys.at(-1)!] = value;
  }
  return out;
}
