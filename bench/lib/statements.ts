/**
 * Statements per operation, counted exactly: the service built in this process on a bench
 * database, every knex 'query' event counted (BEGIN and COMMIT included) while one operation at a
 * time goes through real HTTP. pg_stat_statements is not loaded on the shared server, and its
 * transaction counters only count transactions, so this is the honest figure.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import type { BenchDatabase } from './database.ts';

export interface StatementCounts {
  createPayment: number;
  getPayment: number;
  webhook: number;
  sql: Record<string, string[]>;
}

let serial = 0;
const nextKey = () => `bench-statements-${process.pid}-${Date.now().toString(36)}-${++serial}`;
/** A Benin MTN number ending in 04: FeexPay keeps it PENDING, so the webhook re-queries. */
const nextPhone = () => `22901${String(serial % 1_000_000).padStart(6, '0')}04`;
const paymentBody = (phone: string) => JSON.stringify({ amount: 1500, currency: 'XOF', network: 'mtn', phone_number: phone, description: 'Bench order' });

export async function countStatements(b: BenchDatabase, simulatorUrl: string, simulatorKey: string, samples = 50): Promise<StatementCounts> {
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: b.url,
    MIGRATE_ON_START: 'false',
    RECONCILER_ENABLED: 'false',
    FEEXPAY_API_KEY: simulatorKey,
    FEEXPAY_SHOP_ID: 'simshop00000001',
    FEEXPAY_BASE_URL: simulatorUrl,
    WEBHOOK_TOKEN: 'bench-webhook-token-0123456789',
    RATE_LIMIT_PER_PHONE_PER_HOUR: '10000',
  });
  const app = await buildApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let current: string[] = [];
  app.db.on('query', (q: { sql: string }) => current.push(q.sql.replace(/\s+/g, ' ').slice(0, 120)));
  const auth = { authorization: `Bearer ${b.apiKey}` };

  async function measure(work: () => Promise<void>): Promise<{ perOp: number; sql: string[] }> {
    await work(); // warm: the merchant key lookup is cached after the first request
    current = [];
    for (let i = 0; i < samples; i++) await work();
    return { perOp: current.length / samples, sql: current.slice(0, Math.round(current.length / samples)) };
  }

  const created: { id: string; reference: string }[] = [];
  const post = await measure(async () => {
    const r = await fetch(`${url}/v1/payments`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': nextKey() },
      body: paymentBody(nextPhone()),
    });
    const body = (await r.json()) as { id: string; feexpay_reference: string };
    created.push({ id: body.id, reference: body.feexpay_reference });
  });
  let i = 0;
  const get = await measure(async () => {
    await (await fetch(`${url}/v1/payments/${created[i++ % created.length]!.id}`, { headers: auth })).text();
  });
  let j = 0;
  const hook = await measure(async () => {
    const p = created[j++ % created.length]!;
    await (
      await fetch(`${url}/v1/webhooks/feexpay/${config.webhookToken}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reference: p.reference, status: 'SUCCESSFUL', callback_info: p.id }),
      })
    ).text();
  });
  await app.close();
  return { createPayment: post.perOp, getPayment: get.perOp, webhook: hook.perOp, sql: { createPayment: post.sql, getPayment: get.sql, webhook: hook.sql } };
}
