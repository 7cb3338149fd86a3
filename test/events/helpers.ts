/** Shared steps of the merchant event tests: endpoints, payments that settle, events as stored. */
import { beninPhone, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

/** Fast enough for tests: three attempts a second apart, polled every 50 ms. */
export const FAST_EVENTS_ENV: Record<string, string> = {
  MERCHANT_WEBHOOK_RETRY_SCHEDULE: '1,1',
  MERCHANT_WEBHOOK_POLL_MS: '50',
  MERCHANT_WEBHOOK_TIMEOUT_MS: '1000',
};

export async function createEndpoint(t: TestApp, url: string, extra: Record<string, unknown> = {}, apiKey = t.apiKey) {
  const res = await call(t.url, 'POST', '/v1/webhook_endpoints', { apiKey, body: { url, ...extra } });
  if (res.status !== 201) throw new Error(`endpoint not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; secret: string; url: string };
}

let serial = 0;
/** A payment FeexPay refuses at once (simulator suffix 03): it is failed when the POST answers. */
export async function failedPayment(t: TestApp, apiKey = t.apiKey): Promise<{ id: string }> {
  const res = await call(t.url, 'POST', '/v1/payments', {
    apiKey,
    headers: { 'idempotency-key': newKey('evt') },
    body: { amount: 1500, currency: 'XOF', network: 'mtn', phone_number: beninPhone('03', ++serial % 90) },
  });
  if (res.status !== 201 || res.body.status !== 'failed') throw new Error(`unexpected payment: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function eventsOf(t: TestApp, paymentId: string) {
  return t.database.db('events').where({ payment_id: paymentId }).orderBy('created_at');
}
