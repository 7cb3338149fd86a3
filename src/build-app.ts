/** Builds the Fastify instance the way the server runs it; tests use the same function. */
import { acceptStrictJsonBodies } from './http/json-body.ts';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import app from './app.ts';
import { trustProxyOption, type Config } from './config.ts';
import { closeLogger, createLogger } from './observability/logger.ts';
import { CompletedRequestLog } from './observability/request-log.ts';
import { clientErrorHandler } from './plugins/app/errors.ts';
import { validatorCompiler } from './validation/validator-compiler.ts';

export interface BuildOptions {
  db?: Knex;
  /** A file for the stdout log stream (tests keep every line to scan it for personal data). */
  logFile?: string;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const logger = createLogger({ level: config.logLevel, logDir: config.logDir, stdout: opts.logFile });
  const fastify = Fastify({
    loggerInstance: logger,
    logController: new CompletedRequestLog(),
    bodyLimit: 64 * 1024,
    // Off unless TRUST_PROXY names the hops in front: X-Forwarded-For is written by the client otherwise.
    trustProxy: trustProxyOption(config.trustProxy),
    clientErrorHandler,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: () => crypto.randomUUID(),
    // Start-up runs the migrations inside the app plugin; on a busy machine or a large database
    // that takes longer than Fastify's 10 s default, which would abort a healthy start. The
    // database plugin also waits up to DATABASE_START_TIMEOUT_MS for PostgreSQL to answer.
    pluginTimeout: Math.max(120_000, config.databaseStartTimeoutMs + 60_000),
    requestIdHeader: false,
    routerOptions: { maxParamLength: 200 },
    // The router answers these before any handler runs, in its own shape; ours is the API's.
    frameworkErrors: (err, _req, reply) => {
      const [status, code, message]: [400 | 414 | 500, string, string] =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? [414, 'uri_too_long', 'A path segment of the URL is too long.']
          : err.code === 'FST_ERR_BAD_URL'
            ? [400, 'bad_url', 'The URL path is not valid percent-encoding.']
            : [500, 'internal_error', 'Internal error; it has been reported.'];
      void (reply as FastifyReply).status(status).send({ error: { code, message } });
    },
  });
  // A body's "100" must be refused, not read as 100, while a query's limit=100 is the integer 100;
  // unknown fields are refused everywhere (src/validation/validator-compiler.ts).
  fastify.setValidatorCompiler(validatorCompiler);
  // JSON only: a text/plain body would reach validation as a string and read as a schema error.
  fastify.removeContentTypeParser('text/plain');
  acceptStrictJsonBodies(fastify as unknown as FastifyInstance);
  await fastify.register(fp(app), { config, db: opts.db });
  // Last of all, so the shutdown lines themselves reach the files.
  fastify.addHook('onClose', async () => closeLogger(logger));
  return fastify as unknown as FastifyInstance;
}
