/**
 * What pino does to each log line before it is written, on the main thread: serializers for the
 * objects Fastify logs (req, res, err), masking of every other field, of the message and of the
 * child bindings, and redact paths for the keys we know by name.
 */
import pino from 'pino';
import { isSensitiveKey, maskPii, maskString, REDACTED } from './pii.ts';

type Serializer = (value: unknown) => unknown;

interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remoteAddress?: string; remotePort?: number };
}

/** Accepts a Fastify request or a raw IncomingMessage. Headers are left out on purpose. */
function serializeRequest(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return maskPii(value);
  const req = value as RequestLike;
  return {
    method: req.method,
    url: typeof req.url === 'string' ? maskString(req.url) : undefined,
    host: req.host ?? (typeof req.headers?.host === 'string' ? req.headers.host : undefined),
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
}

function serializeResponse(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return { statusCode: (value as { statusCode?: number }).statusCode };
}

function serializeError(value: unknown): unknown {
  // pino's own serializer follows cause chains and AggregateErrors; the mask runs on its output.
  const serialized = value instanceof Error ? pino.stdSerializers.err(value) : value;
  return maskPii(serialized);
}

export const serializers: Record<string, Serializer> = {
  req: serializeRequest,
  res: serializeResponse,
  err: serializeError,
  error: serializeError,
  // pino applies a serializer registered under the message key to the message itself.
  msg: (m) => (typeof m === 'string' ? maskString(m) : maskPii(m)),
};

const SERIALIZED_KEYS = new Set(Object.keys(serializers));

/**
 * formatters.log: masks every field of the logged object except those a serializer handles. The
 * object is copied only from the first field the mask changes: the access line (`req`, `res`
 * and a duration) and most step lines go through unchanged, and are never mutated either way.
 */
export function maskLogObject(obj: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(obj);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = obj[key];
    const masked = SERIALIZED_KEYS.has(key) ? v : isSensitiveKey(key) && v !== undefined && v !== null ? REDACTED : maskPii(v);
    if (out === undefined && masked !== v) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!];
    }
    if (out !== undefined) out[key] = masked;
  }
  return out ?? obj;
}

const REQUEST_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Masks a logger's bindings: the root's through formatters.bindings, every child's through
 * maskedLogger's wrapper of `child` (pino skips the formatter for children). Fastify makes a
 * child per request whose only binding is the request id, a UUID the service generates (never the
 * client's): that one is let through as it is, since masking it on every request was a
 * measurable share of a read.
 */
export function maskBindings(bindings: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(bindings);
  if (keys.length === 1 && keys[0] === 'reqId' && typeof bindings.reqId === 'string' && REQUEST_ID_RE.test(bindings.reqId)) return bindings;
  return maskPii(bindings) as Record<string, unknown>;
}

/**
 * Redact paths: the keys we know by name at the top level of a log object, under the FeexPay
 * request and answer bodies, and the headers of a logged `headers` object. The
 * masking formatter already covers any depth; these are a second, independent net applied at
 * serialisation time. No wildcard paths: they cost a walk of every logged object on every line.
 */
const KNOWN_KEYS = ['phone', 'phoneNumber', 'phone_number', 'first_name', 'last_name', 'firstName', 'lastName', 'email', 'customer'];

export const redact: pino.redactOptions = {
  paths: [
    ...KNOWN_KEYS,
    ...KNOWN_KEYS.map((k) => `body.${k}`),
    ...KNOWN_KEYS.map((k) => `answer.${k}`),
    'apiKey',
    // No req.headers or res.headers paths: the req and res serializers never write headers, and
    // a path under req made every access line go through the redactor (about 4 us a line).
    'headers.authorization',
    'headers.cookie',
  ],
  censor: REDACTED,
};

/**
 * Last line of defence on the final JSON line: the patterns that cannot collide with a JSON
 * number (emails, keys, bearer tokens, the webhook token). Phone-looking digit runs are not
 * searched here because "time" or a duration is a legitimate long number.
 */
const LINE_RE =
  /\b(fp_|fgw_)[A-Za-z0-9_-]+|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|(\/webhooks\/feexpay\/)[^/?#\s"'\\]+|([?&][A-Za-z0-9_.-]*(?:token|key|secret|password|signature)=)[^&#\s"'\\]+/g;

const LINE_HINT_RE = /@|fp_|fgw_|Bearer|Basic|\/webhooks\/feexpay\/|[?&][A-Za-z0-9_.-]*(?:token|key|secret|password|signature)=/;

export function maskLine(line: string): string {
  if (!LINE_HINT_RE.test(line)) return line;
  return line.replace(LINE_RE, (_match: string, key?: string, auth?: string, hook?: string, query?: string) => {
    if (key !== undefined) return `${key}${REDACTED}`;
    if (auth !== undefined) return `${auth} ${REDACTED}`;
    if (hook !== undefined) return `${hook}${REDACTED}`;
    if (query !== undefined) return `${query}${REDACTED}`;
    return '[email]';
  });
}
