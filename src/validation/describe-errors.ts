/**
 * Ajv's errors as a client can act on them: one entry per invalid field, named as the client
 * wrote it (`body.customer.email`, `query.limit`, `header.idempotency-key`), in words rather
 * than in regular expressions.
 */
import type { FastifyError } from 'fastify';
import type { ErrorCode } from '../schemas/errors.ts';

export interface FieldProblem {
  param: string;
  message: string;
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: { description?: string };
}

/** At most this many problems in one answer: enough to fix a form, bounded for a hostile body. */
export const MAX_REPORTED_ERRORS = 20;

const PARTS: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

const FORMATS: Record<string, string> = {
  'date-time': 'a date-time such as 2026-12-01T10:00:00Z',
  email: 'an email address',
  uuid: 'a UUID',
  uri: 'a URL',
};

const TYPES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'true or false',
  null: 'null',
};

/** Codes for a problem with one particular field, where the API has a more precise one. */
const FIELD_CODES: Record<string, ErrorCode> = { 'header.idempotency-key': 'idempotency_key_required' };

// A field name is the client's text: control characters and lone surrogates are shown escaped.
const printable = (name: string) => name.replace(/[\u0000-\u001f\p{Cs}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function paramOf(part: string, e: AjvError): string {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const field = e.params.missingProperty ?? e.params.additionalProperty ?? e.params.propertyName;
  return printable([PARTS[part] ?? part, ...path, ...(typeof field === 'string' ? [field] : [])].join('.'));
}

function words(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'type':
      return `must be ${String(p.type)
        .split(',')
        .map((t) => TYPES[t] ?? t)
        .join(' or ')}`;
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters long`;
    case 'maxProperties':
      return `must have at most ${String(p.limit)} fields`;
    case 'minItems':
      return `must have at least ${String(p.limit)} items`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'uniqueItems':
      return 'must not repeat an item';
    case 'format':
      return `must be ${FORMATS[String(p.format)] ?? `a valid ${String(p.format)}`}`;
    case 'pattern': {
      const hint = e.parentSchema?.description;
      // The storable-text patterns (schemas/payment.ts) read as what they refuse, not as a regex.
      if (String(p.pattern).includes('\\p{Cs}')) {
        return `must not contain NUL characters or unpaired UTF-16 surrogates${String(p.pattern).includes('<>') ? ', control characters or < >' : ''}`;
      }
      return hint ? `is not valid (${hint.replace(/\.$/, '')})` : 'is not in the expected format';
    }
    case 'propertyNames':
      return 'has a field name that is not allowed';
    default:
      return 'is invalid';
  }
}

/** Every invalid field of a validation error, one problem per field, at most MAX_REPORTED_ERRORS. */
export function fieldProblems(err: FastifyError): FieldProblem[] {
  const part = err.validationContext ?? 'body';
  const all = (err.validation ?? []) as unknown as AjvError[];
  // A union reports its branches' errors and then its own: the branches say more.
  const useful = all.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'if');
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const e of useful.length ? useful : all) {
    const param = paramOf(part, e);
    if (seen.has(param)) continue;
    seen.add(param);
    out.push({ param, message: `${param} ${words(e)}` });
    if (out.length === MAX_REPORTED_ERRORS) break;
  }
  return out.length ? out : [{ param: PARTS[part] ?? part, message: err.message }];
}

/** The error body of a validation failure. */
export function validationError(err: FastifyError): { code: ErrorCode; message: string; param: string; errors: FieldProblem[] } {
  const problems = fieldProblems(err);
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more: see errors)` : '';
  return { code: FIELD_CODES[first.param] ?? 'validation_failed', message: first.message + more, param: first.param, errors: problems };
}
