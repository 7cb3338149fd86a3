/**
 * Generators of hostile input for the fuzz tests: request parts that are valid, nearly valid
 * (one field broken) or plain garbage, so runs reach both the validators and the code behind them.
 */
import fc from 'fast-check';
import { NETWORKS } from '../../src/domain/networks.ts';

/** Characters Node accepts in a header value (it refuses to send anything else). */
const headerChar = fc.constantFrom(...'\t !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~\x80\xa0\xe9\xff'.split(''));
export const headerValue = fc.string({ unit: headerChar, maxLength: 300 });

/**
 * Text as hostile as Unicode allows: NUL and other controls, lone surrogates (high, low, reversed
 * pairs), combining marks stacked on nothing, bidi overrides, BOMs, non-characters, astral
 * characters, and very long runs, mixed into ordinary text.
 */
const nastyUnit = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\u0000',
      '\ud800',
      '\udbff',
      '\udc00',
      '\udfff',
      '\u0301',
      '\u0361',
      '\u202e',
      '\u200b',
      '\ufeff',
      '\uffff',
      '\ufffe',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u2028',
      '\ud83d\ude00',
      '\ud83d',
      '\ude00\ud83d',
      'e\u0301\u0301\u0301',
      '\\u0000',
      '%00',
      '\r\n',
    ),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom('a', 'Z', '0', ' ', '-', '_', '.') },
);
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(nastyUnit, { maxLength: 12 }).map((parts) => parts.join('')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(99, 100, 101, 255, 256, 500, 501, 4_000, 20_000), fc.constantFrom('a', 'é', '\u0301', '😀', '\u0000', '\ud800'))
      .map(([n, c]) => c.repeat(n)),
  },
);

/** Date-time texts around every edge a parser or PostgreSQL has: leap seconds, year 0 and 9999, JS's limits, offsets, impossible days. */
export const dateText = fc.oneof(
  fc.constantFrom(
    '2024-06-30T23:59:60Z',
    '2016-12-31T23:59:60.999Z',
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-02-30T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '-271821-04-20T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '1970-01-01T00:00:00Z',
    '2024-01-01T00:00:00+14:00',
    '2024-01-01T00:00:00-12:00',
    '2024-01-01T24:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-01T00:00:00.123456789Z',
    '2024-01-01t00:00:00z',
    '2024-01-01 00:00:00Z',
    '2024-01-01',
    '2024-01-01T00:00Z',
    'now',
    'Infinity',
    '-infinity',
    'epoch',
    '',
    ' ',
    'NaN',
  ),
  fc.date({ min: new Date(-8_640_000_000_000_000), max: new Date(8_640_000_000_000_000), noInvalidDate: true }).map((d) => d.toISOString()),
  hostileString,
);

/** Cursors: well-formed ones with hostile dates or ids, truncated ones, and random base64url. */
export const cursorText = fc.oneof(
  fc
    .tuple(
      dateText,
      fc.oneof(fc.uuid(), fc.constantFrom('-'.repeat(36), '0'.repeat(36), 'ffffffff-ffff-ffff-ffff-fffffffffff\u0000', 'FFFFFFFF-FFFF-4FFF-8FFF-FFFFFFFFFFFF', ''), hostileString),
      fc.boolean(),
    )
    .map(([at, id, extra]) => Buffer.from(`${at}|${id}${extra ? '|x' : ''}`).toString('base64url')),
  fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a).toString('base64url')),
  fc.string({ unit: fc.constantFrom(...'ABCabc019-_'.split('')), maxLength: 210 }),
);

/** Path or query text: mostly URL-safe, with stray `%`, encoded bytes and unicode thrown in. */
const urlChar = fc.constantFrom(..."abcXYZ019-_.~%/:@!$&'()*+,;=?#".split(''), '%00', '%ff', '%2e%2e', '%C3%A9', '%E2%80%AE', '%');
/** encodeURIComponent refuses lone surrogates: those go as the UTF-8 bytes a careless client would send. */
const encodeAny = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
};

export const urlText = fc.oneof(
  fc.string({ unit: urlChar, maxLength: 60 }),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  hostileString.map((s) => encodeAny(s.slice(0, 150))),
  fc.uuid(),
);

const queryValue = fc.oneof(urlText, dateText.map(encodeAny), cursorText);

export const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('limit', 'cursor', 'status', 'network', 'created_gte', 'created_lt', 'from', 'to', '__proto__', 'constructor'), urlText), queryValue), {
    maxLength: 6,
  })
  .map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&') : ''));

/** The listing's own parameters, each with edge values: dates, cursors, limits. */
export const listQuery = fc
  .record(
    {
      created_gte: dateText,
      created_lt: dateText,
      cursor: cursorText,
      limit: fc.oneof(fc.constantFrom('0', '1', '100', '101', '-1', '1e2', '01', ' 1'), hostileString),
      status: fc.oneof(fc.constantFrom('pending', 'successful'), hostileString),
    },
    { requiredKeys: [] },
  )
  .map((q) => {
    const parts = Object.entries(q).map(([k, v]) => `${k}=${encodeAny(v)}`);
    return parts.length ? `?${parts.join('&')}` : '';
  });

export const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'APPLICATION/JSON',
    'application/jsonx',
    'text/plain',
    'text/json',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz',
    'application/octet-stream',
    '',
  ),
  headerValue,
);

export const phone = fc.stringMatching(/^22901[0-9]{6}(0[0-46-9]|1[0-3])$/);

export const validPaymentBody = fc.record({
  amount: fc.integer({ min: 100, max: 2_000_000 }),
  currency: fc.constant('XOF'),
  network: fc.constantFrom('mtn', 'moov', 'celtiis_bj'),
  phone_number: phone,
});

/** Anything JSON can hold, including the keys prototype pollution relies on. */
const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''), fc.string({ maxLength: 20 }));
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.constantFrom(null, true, false, 0, -1, 1e308, -0, '', 'null'),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 50 }),
    hostileString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(hostileKey, hostileString), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A valid payment body with one field replaced by something else (or an extra field added). */
export const mutatedPaymentBody = fc
  .tuple(validPaymentBody, fc.constantFrom('amount', 'currency', 'network', 'phone_number', 'description', 'customer', 'metadata', 'otp', 'extra'), hostileJson)
  .map(([body, field, value]) => ({ ...body, [field]: value }));

/** A valid payment body whose free text (metadata, names, email, description, otp) is hostile. */
export const hostileTextPaymentBody = fc
  .tuple(validPaymentBody, fc.constantFrom('metadata value', 'metadata key', 'first_name', 'last_name', 'email', 'description', 'otp'), hostileString)
  .map(([body, field, text]) => {
    switch (field) {
      case 'metadata value':
        return { ...body, metadata: { order: text } };
      case 'metadata key':
        return { ...body, metadata: { [text]: 'x' } };
      case 'first_name':
      case 'last_name':
        return { ...body, customer: { [field]: text } };
      case 'email':
        return { ...body, customer: { email: `${text}@example.com` } };
      default:
        return { ...body, [field]: text };
    }
  });

export const networkName = fc.oneof(fc.constantFrom(...NETWORKS), fc.string({ maxLength: 12 }));

/** A JSON text with keys written literally, so `__proto__` reaches the parser as a key. */
export const protoPoisonText = fc
  .tuple(fc.constantFrom('__proto__', 'constructor'), fc.boolean())
  .map(([key, nested]) =>
    nested
      ? `{"reference":"REF-1","extra":{"${key}":{"prototype":{"polluted":true},"polluted":true}}}`
      : `{"reference":"REF-1","${key}":{"polluted":true,"prototype":{"polluted":true}}}`,
  );

/** Nested arrays/objects as deep as the body limit allows. */
export const deepJsonText = fc.tuple(fc.integer({ min: 1_000, max: 30_000 }), fc.boolean(), fc.boolean()).map(([depth, arrays, wrapped]) => {
  const inner = arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return wrapped ? `{"reference":"REF-DEEP","x":${inner}}` : inner;
});

export const bodyText = fc.oneof(
  hostileJson.map((v) => JSON.stringify(v) ?? ''),
  mutatedPaymentBody.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
  fc.constant(''),
);

/**
 * fast-check settings for these files: a bounded number of runs, and a failure report whose
 * counterexample is cut short (a 64 KB nested body would otherwise fill the terminal).
 */
export function runs(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  return {
    numRuns,
    seed,
    reporter: (details) => {
      if (!details.failed) return;
      const example = JSON.stringify(details.counterexample) ?? '';
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(
        `property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}"):\n` +
          `${cause.slice(0, 1500)}\ncounterexample (${example.length} chars): ${example.slice(0, 600)}`,
      );
    },
  };
}
