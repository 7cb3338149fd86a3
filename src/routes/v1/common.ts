/** What the payment and payout routes share: the Idempotency-Key header, key outcomes in HTTP, and list pages. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TakenOutcome } from '../../payments/idempotency.ts';
import { ApiError } from '../../plugins/app/errors.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function idempotencyKeyOf(req: FastifyRequest): string {
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError(400, 'idempotency_key_required', 'Header Idempotency-Key (1 to 255 printable characters) is required.', {}, 'header.idempotency-key');
  }
  return key;
}

/** A key used before: its replay, or why this request gets none. */
export function replyToTakenKey<V>(reply: FastifyReply, outcome: TakenOutcome<V>): FastifyReply {
  switch (outcome.kind) {
    case 'replayed':
      reply.header('idempotent-replayed', 'true');
      return reply.status(outcome.statusCode).send(outcome.body);
    case 'key_reused':
      throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body.', {}, 'header.idempotency-key');
    case 'in_flight':
      reply.header('retry-after', '1');
      throw new ApiError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed; retry later.', {}, 'header.idempotency-key');
  }
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// What PostgreSQL's timestamptz and every client can hold: years 1 to 9999.
const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** A date the database can compare with, or null (a leap second, a year out of range). */
function instant(text: string): Date | null {
  const d = new Date(text);
  const t = d.getTime();
  // 23:59:60 passes the date-time format but is no instant Date (or PostgreSQL) accepts.
  return Number.isNaN(t) || t < MIN_TIME || t > MAX_TIME ? null : d;
}

function dateParam(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = instant(value);
  if (!d) throw new ApiError(400, 'invalid_date', `query.${name} is not a date between the years 1 and 9999 (leap seconds are not accepted)`, {}, `query.${name}`);
  return d;
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = instant(at ?? '');
  if (rest.length || !id || !UUID.test(id) || !createdAt) {
    throw new ApiError(400, 'invalid_cursor', 'query.cursor is not a cursor this API returned', {}, 'query.cursor');
  }
  return { createdAt, id };
}

export interface ListQuery {
  created_gte?: string;
  created_lt?: string;
  limit?: number | string;
  cursor?: string;
}

/**
 * The keyset part of a list filter, its dates and cursor checked (a 400 naming the field, never
 * the database's refusal); the caller asks for one row more than the page to know whether another follows. */
export function pageRequest(q: ListQuery): { createdGte?: Date; createdLt?: Date; after?: { createdAt: Date; id: string }; limit: number; pageSize: number } {
  const pageSize = q.limit ? Number(q.limit) : 20;
  return {
    createdGte: dateParam('created_gte', q.created_gte),
    createdLt: dateParam('created_lt', q.created_lt),
    after: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit: pageSize + 1,
    pageSize,
  };
}

export function listPage<R, V extends { created_at: string; id: string }>(rows: R[], pageSize: number, present: (r: R) => V) {
  const data = rows.slice(0, pageSize).map(present);
  const last = data.at(-1);
  return {
    object: 'list' as const,
    data,
    next_cursor: rows.length > pageSize && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/**
 * preValidation of a POST that takes no input (rotate a secret, redeliver an event): no body or
 * `{}`. A schema cannot say it (Ajv refuses the absent body a client rightly sends), and an
 * option sent there, such as a misspelt one, must be a 400, never silently ignored.
 */
export async function refuseBody(req: FastifyRequest): Promise<void> {
  const body = req.body;
  if (body === undefined || body === null) return;
  const key = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body)[0] : '';
  if (key === undefined) return;
  const param = key ? `body.${key}` : 'body';
  throw new ApiError(
    400,
    'validation_failed',
    key ? `${param} is not a known field: this operation takes no input` : 'body must be empty: this operation takes no input',
    {},
    param,
  );
}
