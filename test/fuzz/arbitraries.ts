/**
 * Generators of hostile input for the fuzz tests: request parts that are valid, nearly valid
 * (one field broken) or plain garbage, so runs reach both the validators and the code behind them.
 */
import fc from 'fast-check';
import { NETWORKS } from '../../src/domain/networks.ts';

/** Characters Node accepts in a header value (it refuses to send anything else). */
const headerChar = fc.constantFrom(...'\t !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~\x80\xa0\xe9\xff'.split(''));
export const headerValue = fc.string({ unit: headerChar, maxLength: 300 });

/** Path or query text: mostly URL-safe, with stray `%`, encoded bytes and unicode thrown in. */
const urlChar = fc.constantFrom(...'abcXYZ019-_.~%/:@!$&\'()*+,;=?#'.split(''), '%00', '%ff', '%2e%2e', '%C3%A9', '%E2%80%AE', '%');
export const urlText = fc.oneof(
  fc.string({ unit: urlChar, maxLength: 60 }),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.uuid(),
);

export const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('limit', 'cursor', 'status', 'network', 'created_gte', 'created_lt', 'from', 'to', '__proto__', 'constructor'), urlText), urlText), { maxLength: 6 })
  .map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&') : ''));

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
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A valid payment body with one field replaced by something else (or an extra field added). */
export const mutatedPaymentBody = fc
  .tuple(validPaymentBody, fc.constantFrom('amount', 'currency', 'network', 'phone_number', 'description', 'customer', 'metadata', 'otp', 'extra'), hostileJson)
  .map(([body, field, value]) => ({ ...body, [field]: value }));

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
export const deepJsonText = fc
  .tuple(fc.integer({ min: 1_000, max: 30_000 }), fc.boolean(), fc.boolean())
  .map(([depth, arrays, wrapped]) => {
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
