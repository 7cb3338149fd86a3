/**
 * Review items: what FeexPay said about money that the service could not fit to a payment, or a
 * payment whose outcome it could not establish. Opened by the settler, read and resolved by
 * operators; the table refuses deletes and changes to a resolved item (migration 003).
 */
import type { Knex } from 'knex';
import { REVIEW_CAUSES, type ReviewCause } from '../domain/payment-status.ts';

export interface ReviewItemRow {
  id: string;
  payment_id: string | null;
  /** Set instead of payment_id when the item is about a payout (migration 006). */
  payout_id: string | null;
  cause: ReviewCause;
  feexpay_reference: string | null;
  feexpay_answer: Record<string, unknown> | null;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
  resolution_note: string | null;
}

export interface NewReviewItem {
  paymentId: string | null;
  payoutId?: string | null;
  cause: ReviewCause;
  reference?: string | null;
  answer?: Record<string, unknown> | null;
}

export interface ReviewFilter {
  open?: boolean;
  /** Items of live payments (and of none) or of test payments. */
  livemode: boolean;
  cause?: ReviewCause;
  paymentId?: string;
  limit: number;
  /** Keyset: items older than this id. */
  beforeId?: string;
}

export interface Resolution {
  by: string;
  resolution: string;
  note: string;
}

export function createReviewItems(db: Knex) {
  return {
    /** Opens an item; the same news (payment, cause, reference) is recorded once, ever. `undefined` when it was already recorded. */
    async open(trx: Knex | Knex.Transaction, item: NewReviewItem): Promise<ReviewItemRow | undefined> {
      const { rows } = await trx.raw(
        `INSERT INTO review_items (payment_id, payout_id, cause, feexpay_reference, feexpay_answer)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING
         RETURNING *`,
        [item.paymentId, item.payoutId ?? null, item.cause, item.reference ?? null, item.answer ? JSON.stringify(item.answer) : null],
      );
      return rows[0] as ReviewItemRow | undefined;
    },

    async list(f: ReviewFilter): Promise<ReviewItemRow[]> {
      const q = db<ReviewItemRow>('review_items');
      if (f.open === true) q.whereNull('resolved_at');
      if (f.open === false) q.whereNotNull('resolved_at');
      if (f.cause) q.andWhere('cause', f.cause);
      if (f.paymentId) q.andWhere('payment_id', f.paymentId);
      if (f.beforeId) q.andWhere('id', '<', f.beforeId);
      q.andWhereRaw(
        `COALESCE((SELECT p.livemode FROM payments p WHERE p.id = review_items.payment_id),
                  (SELECT o.livemode FROM payouts o WHERE o.id = review_items.payout_id), true) = ?`,
        [f.livemode],
      );
      return q.orderBy('id', 'desc').limit(f.limit);
    },

    async find(id: string): Promise<ReviewItemRow | undefined> {
      return db<ReviewItemRow>('review_items').where({ id }).first();
    },

    /** Resolves the open items of a payment (all, or one), in the caller's transaction. */
    async resolveOpen(trx: Knex | Knex.Transaction, target: { paymentId: string } | { id: string }, r: Resolution): Promise<ReviewItemRow[]> {
      const q = trx<ReviewItemRow>('review_items').whereNull('resolved_at');
      if ('id' in target) q.where('id', target.id);
      else q.where('payment_id', target.paymentId);
      return (await q
        .update({ resolved_at: trx.fn.now() as unknown as Date, resolved_by: r.by, resolution: r.resolution, resolution_note: r.note })
        .returning('*')) as ReviewItemRow[];
    },

    /** Open items of live payments (and of none) by cause, and the age of the oldest, for the gauges. */
    async openCounts(): Promise<{ byCause: Map<ReviewCause, number>; oldestSeconds: number }> {
      const { rows } = await db.raw(
        `SELECT r.cause, count(*)::int AS n, EXTRACT(EPOCH FROM now() - min(r.created_at))::float8 AS age
         FROM review_items r LEFT JOIN payments p ON p.id = r.payment_id LEFT JOIN payouts o ON o.id = r.payout_id
         WHERE r.resolved_at IS NULL AND COALESCE(p.livemode, o.livemode, true) GROUP BY r.cause`,
      );
      const byCause = new Map<ReviewCause, number>(REVIEW_CAUSES.map((c) => [c, 0]));
      let oldestSeconds = 0;
      for (const r of rows as { cause: ReviewCause; n: number; age: number }[]) {
        byCause.set(r.cause, Number(r.n));
        oldestSeconds = Math.max(oldestSeconds, Number(r.age));
      }
      return { byCause, oldestSeconds };
    },
  };
}

export type ReviewItems = ReturnType<typeof createReviewItems>;
