/**
 * The OpenAPI document exactly as the service serves it at /docs/json: a service built on an
 * in-memory database and asked through inject, so no port, no FeexPay account and no files.
 */
import { buildApp } from '../build-app.ts';
import { loadConfig } from '../config.ts';
import { createKnex } from '../db/knex.ts';

export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
  const db = createKnex({ databaseUrl: null, dataDir: 'memory://' });
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', RECONCILER_ENABLED: 'false' }), { db });
  try {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    if (res.statusCode !== 200) throw new Error(`/docs/json answered ${res.statusCode}`);
    return res.json();
  } finally {
    await app.close();
    await db.destroy();
  }
}
