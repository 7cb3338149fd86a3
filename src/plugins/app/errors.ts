/**
 * Every error leaves as `{ "error": { "code", "message" } }`. Client mistakes get a 4xx naming
 * the field; a database outage is a 503 the client can retry; only the unexpected is a 500.
 */
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../schemas/errors.ts';
import { validationError } from '../../validation/describe-errors.ts';
import { allowedMethods, trackRoutes } from './method-not-allowed.ts';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    /** Sent with the answer (Retry-After on a 429). */
    readonly headers: Record<string, string> = {},
    /** The field at fault, as `query.from`, when there is one. */
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A refusal of one field: the message starts with the field's name and `param` carries it. */
export function fieldError(code: ErrorCode, param: string, says: string, status = 400): ApiError {
  return new ApiError(status, code, `${param} ${says}`, {}, param);
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  431: 'headers_too_large',
};

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
};

// 57014: cancelled by statement_timeout, a server too slow to answer in the service's bound.
const PG_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57014', '57P01', '57P02', '57P03', '08000', '08003', '08006']);
// pg's own wording for its client-side bounds (query_timeout, connectionTimeoutMillis) and lost connections.
const PG_UNAVAILABLE_MESSAGE =
  /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|Query read timeout|timeout expired|Connection ended unexpectedly/;

/** Connection-level failures of PostgreSQL (or of the pool waiting for it). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; code?: string; message?: string };
  return e.name === 'KnexTimeoutError' || (e.code !== undefined && PG_UNAVAILABLE.has(e.code)) || PG_UNAVAILABLE_MESSAGE.test(e.message ?? '');
}

const CLIENT_ERRORS: Record<string, [number, ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'The request headers are too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request was not received in time.'],
};

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers over the limit,
 * broken framing); Fastify's default answer has its own shape, this one has the API's.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'bad_request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code, message } });
  const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  // An answer to HEAD has no body: a client would read one as garbage after the response.
  const head = Buffer.isBuffer(err.rawPacket) && err.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  }
  socket.destroy(err);
}

export interface ErrorsPluginOptions {
  /** Called for every 5xx with the error (Sentry capture). 4xx are the client's, not ours. */
  reportServerError?: (err: unknown, req: FastifyRequest) => void;
}

export default fp<ErrorsPluginOptions>(
  async (app, opts) => {
    trackRoutes(app);
    app.setErrorHandler((err: FastifyError, req, reply) => {
      if (err.validation) {
        return reply.status(400).send({ error: validationError(err) });
      }
      if (isDatabaseUnavailable(err)) {
        req.log.error({ err }, 'database unavailable');
        return reply
          .status(503)
          .header('retry-after', '5')
          .send({ error: { code: 'service_unavailable', message: 'The database is unavailable; retry shortly.' } });
      }
      const status = err.statusCode ?? 500;
      // A deliberate 503 (an operator in maintenance, FeexPay not answering a preview) is an answer, not a fault.
      if ((status >= 400 && status < 500) || (err instanceof ApiError && status === 503)) {
        const code = err instanceof ApiError || err.code === 'rate_limited' ? err.code : (FASTIFY_CODES[err.code] ?? CODE_BY_STATUS[status] ?? 'bad_request');
        if (err instanceof ApiError) reply.headers(err.headers);
        const param = err instanceof ApiError && err.param ? { param: err.param } : {};
        return reply.status(status).send({ error: { code, message: err.message, ...param } });
      }
      req.log.error({ err }, 'unhandled error');
      opts.reportServerError?.(err, req);
      return reply.status(500).send({ error: { code: 'internal_error', message: 'Internal error; it has been reported.' } });
    });
    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0]!;
      const allow = allowedMethods(app, path);
      // A handler that found nothing (an unknown asset) also lands here: that is a 404, not a 405.
      if (allow.length && !allow.includes(req.method)) {
        return reply
          .status(405)
          .header('allow', allow.join(', '))
          .send({ error: { code: 'method_not_allowed', message: `${path} does not answer ${req.method}; it answers ${allow.join(', ')}.` } });
      }
      return reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${path}` } });
    });
  },
  { name: 'errors' },
);
