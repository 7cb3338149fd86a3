/**
 * The process: configuration, listen, a separate metrics port when asked, and a graceful
 * shutdown (in-flight requests finish, the reconciler stops, connections close, Sentry flushes).
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './build-app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startMetricsServer } from './metrics/metrics-server.ts';
import { ensureDemoMerchant } from './merchants/demo-merchant.ts';
import { flushSentry } from './observability/sentry.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const app = await buildApp(config);
const metricsServer = config.metricsPort !== null ? await startMetricsServer(app.metricsRegistry, config.host, config.metricsPort) : null;

// Long enough for an in-flight FeexPay request (its timeout) to finish, plus the close and the
// Sentry flush; the pod's grace period (k8s/api.ts) is sized from the same timeout.
closeWithGrace({ delay: config.feexpay.requestTimeoutMs + 5_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an uncaught error');
  else app.log.info({ signal }, 'shutting down');
  await metricsServer?.close();
  await app.close();
  await flushSentry(2_000);
});

await app.listen({ port: config.port, host: config.host });
if (!config.databaseUrl) await ensureDemoMerchant(app, config.dataDir);
