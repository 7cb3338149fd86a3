/**
 * Every error leaves as `{ "error": { "code", "message" } }`. Client mistakes get a 4xx naming
 * the field; a database outage is a 503 the client can retry; only the unexpected is a 500.
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyRequest } from 'fastify';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
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

const PG_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

/** Connection-level failures of PostgreSQL (or of the pool waiting for it). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; code?: string; message?: string };
  return (
    e.name === 'KnexTimeoutError' ||
    (e.code !== undefined && PG_UNAVAILABLE.has(e.code)) ||
    /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/.test(e.message ?? '')
  );
}

function describeValidation(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = err.validationContext ?? 'request';
  const params = first.params as Record<string, unknown> | undefined;
  const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const field = params?.additionalProperty ?? params?.missingProperty ?? '';
  const name = [path, field].filter(Boolean).join('.');
  if (params?.additionalProperty) return `${where}.${name} is not a known field`;
  return `${where}${name ? '.' + name : ''} ${first.message ?? 'is invalid'}`;
}

export interface ErrorsPluginOptions {
  /** Called for every 5xx with the error (Sentry capture). 4xx are the client's, not ours. */
  reportServerError?: (err: unknown, req: FastifyRequest) => void;
}

export default fp<ErrorsPluginOptions>(
  async (app, opts) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      if (err.validation) {
        return reply.status(400).send({ error: { code: 'validation_failed', message: describeValidation(err) } });
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
        return reply.status(status).send({ error: { code, message: err.message } });
      }
      req.log.error({ err }, 'unhandled error');
      opts.reportServerError?.(err, req);
      return reply.status(500).send({ error: { code: 'internal_error', message: 'Internal error; it has been reported.' } });
    });
    app.setNotFoundHandler((req, reply) =>
      reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } }),
    );
  },
  { name: 'errors' },
);
