/**
 * The generated merchant client (client/index.ts), checking every answer against the document
 * the service serves: a status the operation does not document, a body that does not match its
 * schema (an error code missing from the route's list included) or a missing Request-Id header
 * fails the request, so the API tests keep the document and the API from drifting apart.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';
import { createGatewayClient, type GatewayClient } from '../../client/index.ts';

type Json = Record<string, any>;

export interface DocumentedClient {
  api: GatewayClient;
  /** "METHOD path status" of every answer checked, to assert coverage. */
  checked: string[];
}

function responseValidators(doc: Json): (method: string, path: string, status: number) => ValidateFunction | null | undefined {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'openapi.json');
  const cache = new Map<string, ValidateFunction | null>();
  return (method, path, status) => {
    const key = `${method} ${path} ${status}`;
    if (cache.has(key)) return cache.get(key);
    const responses = doc.paths?.[path]?.[method.toLowerCase()]?.responses as Json | undefined;
    const response = responses?.[String(status)] ?? responses?.default;
    if (!response) return undefined;
    const schema = response.content?.['application/json']?.schema;
    // Compiled in place, so the document's own $refs (#/components/schemas/...) resolve.
    const pointer = ['paths', path, method.toLowerCase(), 'responses', responses?.[String(status)] ? String(status) : 'default', 'content', 'application/json', 'schema']
      .map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    const validate = schema ? ajv.compile({ $ref: `openapi.json#/${pointer}` }) : null;
    cache.set(key, validate);
    return validate;
  };
}

export function documentedClient(baseUrl: string, apiKey: string | undefined, doc: Json): DocumentedClient {
  const validatorFor = responseValidators(doc);
  const checked: string[] = [];
  const check: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      const what = `${request.method} ${schemaPath} ${response.status}`;
      const validate = validatorFor(request.method, schemaPath, response.status);
      if (validate === undefined) throw new Error(`${what}: status not documented for this operation`);
      if (!response.headers.get('request-id')) throw new Error(`${what}: no Request-Id header`);
      if (validate) {
        const body: unknown = await response.clone().json();
        if (!validate(body)) throw new Error(`${what}: body does not match the document: ${JSON.stringify(validate.errors)} in ${JSON.stringify(body)}`);
      }
      checked.push(what);
      return response;
    },
  };
  const api = createGatewayClient({ baseUrl, apiKey });
  api.use(check);
  return { api, checked };
}
