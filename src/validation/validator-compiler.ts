/**
 * Two Ajv instances, chosen per part of the request. A query string or a path has only text, so
 * `?limit=100` is read as the integer the schema declares; a JSON body has real types, so a
 * body's "100" stays a string and is refused where a number is required (money is never guessed).
 * Both report every error (bounded by the body limit and by MAX_REPORTED_ERRORS in the answer).
 */
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// verbose: each error carries its schema (the field's description words the message); the value
// it also carries is dropped before Fastify sees it, so no customer data can reach a log.
const common: Options = { useDefaults: true, removeAdditional: false, allErrors: true, verbose: true, strict: false };

function withFormats(options: Options): Ajv {
  const ajv = new Ajv(options);
  addFormats.default(ajv);
  return ajv;
}

const textParts = withFormats({ ...common, coerceTypes: 'array' });
const bodies = withFormats({ ...common, coerceTypes: false });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const validate = (httpPart === 'body' ? bodies : textParts).compile(schema as object);
  const checked = (data: unknown) => {
    const ok = validate(data) as boolean;
    checked.errors = ok ? null : (validate.errors ?? []).map(({ data: _value, schema: _schema, ...rest }) => rest);
    return ok;
  };
  checked.errors = null as Omit<ErrorObject, 'data' | 'schema'>[] | null;
  return checked;
};
