/**
 * PII scrubbing shared by the logger, Sentry's beforeSend and the notifier: one definition of what
 * must never leave the process unmasked (phone numbers, customer names, emails, FeexPay API keys,
 * bearer tokens, cookies, the webhook token), so the three outputs cannot drift apart.
 *
 * Two layers: keys known to hold personal data or secrets are replaced whatever their value, and
 * every string is searched for values that look like one (a phone number typed into a description,
 * an email inside an error message, a key echoed in a FeexPay error body).
 */

export const REDACTED = '[redacted]';

// Normalised key names (lower case, no separators) whose value is always replaced.
const SENSITIVE_EXACT = new Set([
  'phone',
  'phonenumber',
  'phoneno',
  'msisdn',
  'mobile',
  'mobilenumber',
  'tel',
  'telephone',
  'firstname',
  'lastname',
  'fullname',
  'surname',
  'givenname',
  'customername',
  'payername',
  'username',
  'email',
  'emailaddress',
  'mail',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'apikey',
  'xapikey',
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'otp',
  'pin',
  'token',
  'webhooktoken',
  'accesstoken',
  'refreshtoken',
  'smtpurl',
  'webhookurl',
  // A customer object holds nothing but personal data: mask it whole.
  'customer',
]);
// Substrings that make a key sensitive wherever they appear (customerPhone, payer_email...).
const SENSITIVE_PARTS = ['phone', 'email', 'apikey', 'password', 'secret', 'authorization', 'cookie', 'msisdn'];

const keyCache = new Map<string, boolean>();

export function isSensitiveKey(key: string): boolean {
  const cached = keyCache.get(key);
  if (cached !== undefined) return cached;
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  const result = SENSITIVE_EXACT.has(k) || k.endsWith('token') || SENSITIVE_PARTS.some((part) => k.includes(part));
  // Keys come from code, not from input, so the cache stays small; the bound is a safety net.
  if (keyCache.size < 10_000) keyCache.set(key, result);
  return result;
}

/*
 * One alternation, scanned once per string. Order matters: at a given position the first
 * alternative wins, so UUIDs (payment ids, FeexPay references) are claimed before their last
 * 12-digit group could be mistaken for a phone number, and URL credentials before the email rule.
 */
const NAME_KEYS = String.raw`first_?name|last_?name|full_?name|sur_?name|given_?name|customer_?name|user_?name|password|otp|api_?key|token`;
const PATTERNS = [
  String.raw`(?<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)`,
  // "first_name":"Koffi", first_name=Koffi, lastName: Doe (FeexPay bodies quoted in messages).
  String.raw`(?<kv>["']?\b(?:${NAME_KEYS})\b["']?\s*[:=]\s*)(?<kvval>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,&;}\]]+)`,
  String.raw`(?<userinfo>\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^\s/:@]+(?::[^\s/@]*)?@`,
  String.raw`(?<auth>\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+\/=-]+`,
  String.raw`\bfp_[A-Za-z0-9]+`,
  // The service's own merchant API keys, wherever they appear (a path, a query, a message).
  String.raw`(?<fgw>\bfgw_)[A-Za-z0-9_-]+`,
  String.raw`(?<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})`,
  String.raw`(?<hook>\/webhooks\/feexpay\/)[^\/?#\s"'\\]+`,
  // Any query parameter whose name says it holds a secret: ?token=, ?merchant_key=, &api_key=...
  String.raw`(?<qs>[?&][A-Za-z0-9_.-]*(?:token|key|secret|password|signature)=)[^&#\s"'\\]+`,
  // Phone: 8 to 13 digits standing alone (not inside a word, an id, a decimal or a dashed id),
  // optionally with '+', or written in groups of 2-3 digits separated by spaces.
  String.raw`(?<phone>(?<![\w.+-])(?<!\d\.)\+?\d{8,13}(?![\w-])(?!\.\d))`,
  String.raw`(?<spaced>(?<![\w.+-])\+?\d{2,3}(?: \d{2,3}){3,5}(?![\w-])(?!\.\d))`,
];
const PII_RE = new RegExp(PATTERNS.join('|'), 'g');
// What every pattern above needs at least: a phone has 8 digits in a row or digits in spaced
// groups, the others an '@', a separator or their keyword. A UUID alone (a payment's URL) then
// skips the scan unless 8 of its digits happen to stand together.
const MAYBE_PII_RE = /\d{8}|\d \d|[@=:]|fp_|fgw_|Bearer|Basic|\/webhooks\/feexpay\//;

type Groups = Record<string, string | undefined>;

function replaceMatch(match: string, ...args: unknown[]): string {
  const groups = args[args.length - 1] as Groups;
  if (groups.uuid !== undefined) return match;
  if (groups.kv !== undefined) {
    const quote = groups.kvval?.[0] === '"' || groups.kvval?.[0] === "'" ? groups.kvval[0] : '';
    return `${groups.kv}${quote}${REDACTED}${quote}`;
  }
  if (groups.userinfo !== undefined) return `${groups.userinfo}${REDACTED}@`;
  if (groups.auth !== undefined) return `${groups.auth}${REDACTED}`;
  if (groups.email !== undefined) return '[email]';
  if (groups.fgw !== undefined) return `fgw_${REDACTED}`;
  if (groups.hook !== undefined) return `${groups.hook}${REDACTED}`;
  if (groups.qs !== undefined) return `${groups.qs}${REDACTED}`;
  if (groups.phone !== undefined) return '[phone]';
  if (groups.spaced !== undefined) {
    const digits = match.replace(/\D/g, '').length;
    return digits >= 8 && digits <= 13 ? '[phone]' : match;
  }
  return 'fp_' + REDACTED;
}

/** Masks phone numbers, emails, FeexPay keys, bearer/basic credentials and webhook tokens in text. */
export function maskString(s: string): string {
  // Nothing shorter than "a@b.io" can hold one of the patterns, and every pattern needs what
  // MAYBE_PII_RE looks for: most log strings ("request completed", a payment's URL) skip the
  // full scan, which is what keeps masking affordable on every log line.
  if (s.length < 6 || !MAYBE_PII_RE.test(s)) return s;
  return s.replace(PII_RE, replaceMatch);
}

// A number is only masked when it has the shape of an international West/Central African mobile
// number (country codes 220-269, 11-13 digits): amounts, durations and epoch times stay readable.
const PHONE_NUMBER_RE = /^2[2-6]\d{9,11}$/;

function maskNumber(n: number): number | string {
  return Number.isSafeInteger(n) && n > 0 && PHONE_NUMBER_RE.test(String(n)) ? '[phone]' : n;
}

// Numbers under these keys are measurements (bytes of memory, sizes, times), never phone numbers.
const MEASURE_KEY_RE = /(memory|size|bytes|length|count|total|time|timestamp|duration|ms|seconds|amount|fee)$/i;

const MAX_DEPTH = 12;

function errorToObject(err: Error): Record<string, unknown> {
  // Own enumerable properties first (FeexPay body, status code...), then the standard fields.
  const out: Record<string, unknown> = { ...(err as unknown as Record<string, unknown>) };
  out.type = err.constructor?.name || err.name;
  out.message = err.message;
  out.stack = err.stack;
  if (err.cause !== undefined) out.cause = err.cause;
  return out;
}

/** A string or a number masked; any other primitive as it is. */
function maskScalar(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      return maskString(value);
    case 'number':
      return maskNumber(value);
    case 'bigint':
      return maskNumber(Number(value)) === '[phone]' ? '[phone]' : value;
    default:
      return value;
  }
}

function walk(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return maskScalar(value);
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Object]';
  if (obj instanceof Date) return obj;
  if (ArrayBuffer.isView(obj)) return obj;
  const withToJson = obj as { toJSON?: () => unknown };
  if (!(obj instanceof Error) && typeof withToJson.toJSON === 'function') {
    return walk(withToJson.toJSON(), seen, depth + 1);
  }
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => walk(v, seen, depth + 1));
    const source = obj instanceof Error ? errorToObject(obj) : (obj as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const v = source[key];
      if (isSensitiveKey(key) && v !== undefined && v !== null && v !== '') out[key] = REDACTED;
      else if (typeof v === 'number' && MEASURE_KEY_RE.test(key)) out[key] = v;
      else out[key] = walk(v, seen, depth + 1);
    }
    return out;
  } finally {
    // Only the current path counts as a cycle: the same object twice side by side is not one.
    seen.delete(obj);
  }
}

/**
 * A deep copy of `value` with personal data and secrets masked. Never mutates its input, survives
 * cycles ('[Circular]') and turns Errors into plain objects ({ type, message, stack, ...props }).
 */
export function maskPii(value: unknown): unknown {
  // Most logged fields are scalars: no cycle set for them.
  return typeof value === 'object' && value !== null ? walk(value, new WeakSet(), 0) : maskScalar(value);
}
