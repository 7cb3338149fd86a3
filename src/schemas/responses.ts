/** Successful answers as the document shows them: a description of their own and their headers. */
import Type, { IsObject, type TSchema } from 'typebox';

const RATE_LIMIT_HEADERS = {
  'x-ratelimit-limit': { type: 'integer', description: 'Requests allowed per window for this API key.' },
  'x-ratelimit-remaining': { type: 'integer', description: 'Requests left in the current window.' },
  'x-ratelimit-reset': { type: 'integer', description: 'Seconds until the window resets.' },
} as const;

const REQUEST_ID_HEADER = { 'request-id': { type: 'string', description: 'Identifies this answer; quote it to support.' } } as const;

export const REPLAY_HEADER = {
  'idempotent-replayed': { type: 'string', enum: ['true'], description: 'Present on a replay: this is the stored answer of the first request with this Idempotency-Key.' },
} as const;

/** `schema` with its own description, example and the headers every merchant answer carries. */
export function answer<T extends TSchema>(schema: T, description: string, headers: Record<string, unknown> = {}, example?: unknown): T {
  const { examples } = schema as { examples?: unknown[] };
  const options = {
    description,
    ...(example !== undefined ? { examples: [example] } : examples ? { examples } : {}),
    headers: { ...REQUEST_ID_HEADER, ...RATE_LIMIT_HEADERS, ...headers },
  };
  // An object is rebuilt with these options; a reference to a shared schema is wrapped (the document keeps no sibling of a $ref).
  return (IsObject(schema) ? Type.Object(schema.properties, options) : { allOf: [schema], ...options }) as unknown as T;
}
