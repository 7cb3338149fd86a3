/**
 * The two writes of POST /v1/payments (the claim, and FeexPay's reference with the key's answer;
 * the webhook, the reconciler and operators store a reference through the second too), each one
 * statement for every payment queued behind the one in flight (db/statement-batch.ts): under
 * load many payments share a round trip and a commit, which is most of what a payment costs
 * PostgreSQL (docs/benchmarks.md). Each caller still gets its own row, or its own error, as if
 * its statement had run alone.
 */
import type { Knex } from 'knex';
import { prepared } from '../db/prepared.ts';
import { statementBatch } from '../db/statement-batch.ts';
import type { BATCHED_STATEMENTS } from '../metrics/catalog.ts';
import type { PaymentViewType } from '../schemas/payment.ts';
import { claimKeysSql } from './idempotency.ts';
import type { FeexPayFields, NewPayment, PaymentRow } from './payment-row.ts';

type BatchedStatement = (typeof BATCHED_STATEMENTS)[number];

/** Date.prototype.toISOString's layout, as PostgreSQL's to_char writes it (a binding: in the statement's text `:MI` would read as a binding's name). */
const ISO_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

/**
 * Claims the keys and inserts the payments of `:rows` (a JSON array of ClaimRow). A row whose key
 * is live is not inserted (claimKeysSql), and its key's row tells what became of its first use.
 */
const CLAIM_AND_INSERT = prepared(
  'payments_claim_keys_insert',
  `WITH input AS (
     SELECT * FROM jsonb_to_recordset(:rows::jsonb) AS r (
       id uuid, merchant_id uuid, key text, request_hash text, livemode boolean, amount bigint, currency text, network text,
       method text, card_brand text, phone_number text, description text, customer jsonb, metadata jsonb,
       next_check_at timestamptz, expires_at timestamptz)),
   ${claimKeysSql(`(SELECT merchant_id, key, request_hash, id AS payment_id, NULL::uuid AS payout_id FROM input) AS claim`)}
   INSERT INTO payments (id, merchant_id, livemode, amount, currency, network, method, card_brand, phone_number, description,
                         customer, metadata, next_check_at, expires_at, status_source)
   SELECT id, merchant_id, livemode, amount, currency, network, method, card_brand, phone_number, description,
          customer, metadata, next_check_at, expires_at, 'api'
   FROM input WHERE id IN (SELECT payment_id FROM claimed)
   RETURNING *`,
);

/**
 * Stores FeexPay's reference on each payment of `:rows` (a JSON array of AttachRow) that has none,
 * and, for a row that carries the API's answer and a payment still pending, that answer on its
 * key, with `updated_at` taken from the updated row. A key claimed since by another payment
 * (expired, then reused) is left alone; a row without a key (the webhook, the reconciler, an
 * operator) stores the reference only.
 */
const ATTACH_AND_ANSWER = prepared(
  'payments_attach_feexpay_answers',
  `WITH input AS (
     SELECT * FROM jsonb_to_recordset(:rows::jsonb) AS r (
       id uuid, reference text, order_id text, payment_url text, next_action jsonb, merchant_id uuid, key text, answer jsonb)),
   attached AS (
     UPDATE payments p SET feexpay_reference = i.reference, feexpay_order_id = i.order_id, payment_url = i.payment_url, next_action = i.next_action
     FROM input i WHERE p.id = i.id AND p.feexpay_reference IS NULL RETURNING p.*),
   completed AS (
     UPDATE idempotency_keys k SET state = 'done', response_status = 201,
       response_body = jsonb_set(i.answer, '{updated_at}', to_jsonb(to_char(a.updated_at AT TIME ZONE 'UTC', :isoFormat)))
     FROM attached a JOIN input i ON i.id = a.id
     WHERE k.merchant_id = i.merchant_id AND k.key = i.key AND k.payment_id = a.id AND a.status = 'pending'
     RETURNING k.payment_id, k.response_body)
   SELECT attached.*, completed.response_body AS stored_answer FROM attached LEFT JOIN completed ON completed.payment_id = attached.id`,
);

/** One payment of CLAIM_AND_INSERT, as jsonb_to_recordset reads it. */
type ClaimRow = Omit<NewPayment, 'next_check_at' | 'expires_at'> & { key: string; request_hash: string; next_check_at: string; expires_at: string };

/**
 * One payment of ATTACH_AND_ANSWER. `answerOn`: the key that replays the answer (`key` as stored,
 * storedKey) and the payment as the API will show it; null to store the reference alone.
 */
interface AttachRow {
  id: string;
  fields: FeexPayFields;
  answerOn: { merchantId: string; key: string; answer: PaymentViewType } | null;
}

export interface AttachedRow {
  row: PaymentRow;
  /** The answer stored on the key; null when the payment was no longer pending or the key is another's. */
  stored: PaymentViewType | null;
}

/**
 * Up to 64 payments per statement, two statements in flight: one slow statement then holds up
 * only the payments queued behind it, not every payment. One, two and four in flight measured the
 * same under the benchmark's POST load (1,508-1,557 payments/s, about 5.7 payments per statement).
 */
const BATCH = { maxRows: 64, maxInFlight: 2 };

/** Each batch's result rows, in the order of its input rows (undefined where a row matched nothing). */
const inOrder = <R extends { id: string }>(rows: { id: string }[], results: R[]): (R | undefined)[] => {
  const byId = new Map(results.map((r) => [r.id, r]));
  return rows.map((r) => byId.get(r.id));
};

/** Told the rows of each statement sent (feexpay_db_batched_statement_rows). */
export type BatchObserver = (statement: BatchedStatement, rows: number) => void;

export function createBatchedWrites(db: Knex, idempotencyTtlHours: number, observe?: BatchObserver) {
  const claim = statementBatch<ClaimRow, PaymentRow | undefined>(
    async (rows) => inOrder(rows, (await CLAIM_AND_INSERT(db, { rows: JSON.stringify(rows), ttlHours: idempotencyTtlHours })) as unknown as PaymentRow[]),
    // One statement cannot claim one key twice: a retry racing its first attempt waits a batch.
    { ...BATCH, keyOf: (r) => `${r.merchant_id} ${r.key}`, onStatement: (n) => observe?.('payment_claim', n) },
  );

  const attach = statementBatch<AttachRow, AttachedRow | undefined>(
    async (rows) => {
      const input = rows.map((r) => ({
        id: r.id,
        reference: r.fields.reference,
        order_id: r.fields.orderId ?? null,
        payment_url: r.fields.paymentUrl ?? null,
        next_action: r.fields.nextAction ?? null,
        merchant_id: r.answerOn?.merchantId ?? null,
        key: r.answerOn?.key ?? null,
        answer: r.answerOn?.answer ?? null,
      }));
      const results = (await ATTACH_AND_ANSWER(db, { rows: JSON.stringify(input), isoFormat: ISO_FORMAT })) as unknown as (PaymentRow & {
        stored_answer: PaymentViewType | null;
      })[];
      return inOrder(rows, results).map((first) => {
        if (!first) return undefined;
        const { stored_answer: stored, ...row } = first;
        return { row, stored };
      });
    },
    { ...BATCH, keyOf: (r) => r.id, onStatement: (n) => observe?.('payment_attach', n) },
  );

  return { claim, attach };
}
