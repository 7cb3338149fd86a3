// @ts-check
/**
 * The benchmark's reference: a minimal Fastify 5 + pg server doing the same work per request as
 * the service, and nothing else (no logging, metrics, tracing, rate limits or state machine).
 * Its rates are the limit of this machine for that work, against which the service is compared.
 *
 *   GET  /v1/payments/:id  one statement, the service's read (merchant key known in memory, as
 *                          the service's key cache knows it after the first request).
 *   POST /v1/payments      the 3 statements, each its own commit, of the service before it
 *                          combined the last two: claim the key with the payment insert, ask the
 *                          FeexPay simulator to collect (the same call over a keep-alive agent),
 *                          store its reference, store the answer on the key.
 *
 * Plain JavaScript so that it runs under node with no loader. Environment: PORT, DATABASE_URL,
 * FEEXPAY_BASE_URL, FEEXPAY_API_KEY, FEEXPAY_SHOP_ID, REFERENCE_API_KEY, REFERENCE_MERCHANT_ID,
 * DATABASE_POOL_MAX (10, the service's default).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const env = process.env;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DATABASE_POOL_MAX ?? 10) });
const apiKey = env.REFERENCE_API_KEY ?? '';
const merchantId = env.REFERENCE_MERCHANT_ID ?? '';
const feexpay = new URL('/api/transactions/requesttopay/integration', env.FEEXPAY_BASE_URL);
const agent = new http.Agent({ keepAlive: true });

const CLAIM_AND_INSERT = `WITH claimed AS (
   INSERT INTO idempotency_keys (merchant_id, key, request_hash, state, payment_id, expires_at)
   VALUES ($1, $2, $3, 'in_flight', $4, now() + interval '24 hours')
   ON CONFLICT (merchant_id, key) DO UPDATE SET state = 'in_flight' WHERE idempotency_keys.expires_at < now()
   RETURNING key)
 INSERT INTO payments (id, merchant_id, livemode, amount, currency, network, method, card_brand, phone_number, description,
                       customer, metadata, next_check_at, expires_at, status_source)
 SELECT $4, $1, true, $5, $6, $7, 'mobile_money', NULL, $8, $9, '{}', '{}', now() + interval '30 seconds', now() + interval '30 minutes', 'api'
 WHERE EXISTS (SELECT 1 FROM claimed)
 RETURNING *`;
const ATTACH = `UPDATE payments SET feexpay_reference = $2, feexpay_order_id = $3, payment_url = $4, next_action = NULL
 WHERE id = $1 AND feexpay_reference IS NULL RETURNING *`;
const COMPLETE = `UPDATE idempotency_keys SET state = 'done', response_status = 201, response_body = $3 WHERE merchant_id = $1 AND key = $2`;
const READ = `select * from "payments" where "id" = $1 and "merchant_id" = $2 and "livemode" = $3 limit 1`;

/** @param {any} p */
const present = (p) => ({
  id: p.id,
  object: 'payment',
  status: p.status,
  amount: Number(p.amount),
  currency: p.currency,
  network: p.network,
  method: p.method,
  card_brand: p.card_brand,
  phone_last4: p.phone_number.slice(-4),
  livemode: p.livemode,
  description: p.description,
  metadata: p.metadata,
  feexpay_reference: p.feexpay_reference,
  payment_url: p.payment_url,
  next_action: null,
  failure_reason: p.failure_reason,
  created_at: p.created_at.toISOString(),
  updated_at: p.updated_at.toISOString(),
  settled_at: p.settled_at ? p.settled_at.toISOString() : null,
});

const nullable = (/** @type {string} */ type) => ({ type: [type, 'null'] });
const paymentView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string' },
    status: { type: 'string' },
    amount: { type: 'integer' },
    currency: { type: 'string' },
    network: { type: 'string' },
    method: { type: 'string' },
    card_brand: nullable('string'),
    phone_last4: { type: 'string' },
    livemode: { type: 'boolean' },
    description: nullable('string'),
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    feexpay_reference: nullable('string'),
    payment_url: nullable('string'),
    next_action: nullable('object'),
    failure_reason: nullable('string'),
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    settled_at: nullable('string'),
  },
};

/** The simulator's request-to-pay, as the service sends it. @returns {Promise<any>} */
function requestToPay(/** @type {Record<string, unknown>} */ payload) {
  const body = Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const req = http.request(
      feexpay,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${env.FEEXPAY_API_KEY}`, accept: 'application/json', 'content-type': 'application/json', 'content-length': String(body.length) },
      },
      (res) => {
        const chunks = /** @type {Buffer[]} */ ([]);
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (e) {
            reject(e);
          }
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const app = Fastify({ logger: false });
app.addHook('onRequest', async (req, reply) => {
  if (req.headers.authorization !== `Bearer ${apiKey}`) return reply.code(401).send({ error: { code: 'unauthorized' } });
});

app.get(
  '/v1/payments/:id',
  {
    schema: { params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] }, response: { 200: paymentView } },
  },
  async (req, reply) => {
    const { id } = /** @type {{ id: string }} */ (req.params);
    const { rows } = await pool.query(READ, [id, merchantId, true]);
    if (!rows[0]) return reply.code(404).send({ error: { code: 'not_found' } });
    return present(rows[0]);
  },
);

app.post(
  '/v1/payments',
  {
    schema: {
      headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } }, required: ['idempotency-key'] },
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['amount', 'currency', 'network', 'phone_number'],
        properties: {
          amount: { type: 'integer', minimum: 100, maximum: 2_000_000 },
          currency: { type: 'string', enum: ['XOF'] },
          network: { type: 'string' },
          phone_number: { type: 'string', pattern: '^[0-9]{8,15}$' },
          description: { type: 'string', maxLength: 255 },
        },
      },
      response: { 201: paymentView },
    },
  },
  async (req, reply) => {
    const b = /** @type {{ amount: number, currency: string, network: string, phone_number: string, description?: string }} */ (req.body);
    const key = /** @type {string} */ (req.headers['idempotency-key']);
    const id = randomUUID();
    const inserted = await pool.query(CLAIM_AND_INSERT, [merchantId, key, 'hash', id, b.amount, b.currency, b.network, b.phone_number, b.description ?? null]);
    if (!inserted.rows[0]) return reply.code(409).send({ error: { code: 'idempotency_key_in_use' } });
    const answer = await requestToPay({
      phoneNumber: b.phone_number,
      amount: b.amount,
      shop: env.FEEXPAY_SHOP_ID,
      description: b.description ?? 'Paiement',
      first_name: '',
      last_name: '',
      email: '',
      callback_info: id,
      reseau: 'MTN',
    });
    const attached = await pool.query(ATTACH, [id, answer.reference ?? null, answer.order_id ?? null, answer.payment_url ?? null]);
    const payment = present(attached.rows[0] ?? inserted.rows[0]);
    await pool.query(COMPLETE, [merchantId, key, JSON.stringify(payment)]);
    return reply.code(201).send(payment);
  },
);

app.get('/health/ready', async () => ({ status: 'ok' }));

await app.listen({ host: '127.0.0.1', port: Number(env.PORT ?? 0) });
const stop = () => {
  void app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
