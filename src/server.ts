/**
 * The process: configuration, listen, a separate metrics port when asked, and a graceful
 * shutdown (in-flight requests finish, the reconciler stops, connections close, Sentry flushes).
 * Whatever stops the start (a setting, an unusable directory, a database that never answers, an
 * address that cannot be listened on) ends the process with exit code 1 and one line on stderr
 * naming the variable, never a stack trace or a process that keeps running without serving.
 */
import type { FastifyInstance } from 'fastify';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './build-app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { startMetricsServer } from './metrics/metrics-server.ts';
import { drainBoundMs } from './drain-bound.ts';
import { ensureDemoMerchant } from './merchants/demo-merchant.ts';
import { flushSentry } from './observability/sentry.ts';
import { describeListenError, ensureHostResolves, ensureWritableDirectory } from './startup-checks.ts';

function stop(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let config: Config;
let app: FastifyInstance;
try {
  config = loadConfig();
  await ensureHostResolves(config.host);
  if (config.logDir) ensureWritableDirectory('LOG_DIR', config.logDir);
  if (!config.databaseUrl) ensureWritableDirectory('DATA_DIR', config.dataDir);
  app = await buildApp(config);
} catch (err) {
  if (err instanceof ConfigError) stop(err.message);
  stop(`Start failed: ${(err as Error).message}`);
}

const listening = async (): Promise<void> => {
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    const message = describeListenError(err as NodeJS.ErrnoException, config.host, config.port);
    await app.close().catch(() => undefined);
    stop(message);
  }
};

await listening();
const metricsServer = config.metricsPort !== null ? await startMetricsServer(app.metricsRegistry, config.host, config.metricsPort) : null;

// Long enough for an in-flight FeexPay request (its timeout) to finish, plus the close and the
// Sentry flush (drain-bound.ts: the pod's grace period and compose's stop_grace_period follow it).
closeWithGrace({ delay: drainBoundMs(config.feexpay.requestTimeoutMs) }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an uncaught error');
  else app.log.info({ signal }, 'shutting down');
  await metricsServer?.close();
  await app.close();
  await flushSentry(2_000);
});

if (!config.databaseUrl) await ensureDemoMerchant(app, config.dataDir);
