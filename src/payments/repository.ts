/**
 * SQL for payments. Every status change goes through `transition`, whose `WHERE status =
 * 'pending'` makes concurrent writers (webhook, reconciler, API) race safely: one wins, the others
 * see `null`. The database triggers add the audit row and refuse anything else.
 */
import type { Knex } from 'knex';
import type { CardBrand, Currency, Network, PaymentNetwork } from '../domain/networks.ts';
import type { FailureReason, PaymentStatus, TerminalStatus, TransitionSource } from '../domain/payment-status.ts';
import type { NextAction } from './collect.ts';

export interface PaymentRow {
  id: string;
  merchant_id: string;
  status: PaymentStatus;
  amount: number;
  currency: Currency;
  /** An operator, or `card` for a card payment. */
  network: PaymentNetwork;
  method: 'mobile_money' | 'card';
  card_brand: CardBrand | null;
  phone_number: string;
  description: string | null;
  customer: { first_name?: string; last_name?: string; email?: string };
  metadata: Record<string, string>;
  feexpay_reference: string | null;
  feexpay_order_id: string | null;
  payment_url: string | null;
  /** What the customer must do next (send the OTP, visit the page) while pending. */
  next_action: NextAction | null;
  failure_reason: FailureReason | null;
  status_source: TransitionSource;
  check_attempts: number;
  next_check_at: Date;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  settled_at: Date | null;
}

export type NewPayment = Pick<
  PaymentRow,
  'id' | 'merchant_id' | 'amount' | 'currency' | 'network' | 'phone_number' | 'description' | 'customer' | 'metadata'
> & Partial<Pick<PaymentRow, 'method' | 'card_brand'>> & { next_check_at: Date; expires_at: Date };

export interface ListFilter {
  merchantId: string;
  status?: PaymentStatus;
  network?: PaymentNetwork;
  createdGte?: Date;
  createdLt?: Date;
  /** Keyset position: the last row of the previous page. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

export function createPaymentRepository(db: Knex) {
  return {
    async insert(trx: Knex.Transaction, p: NewPayment): Promise<PaymentRow> {
      const [row] = await trx('payments')
        .insert({ ...p, customer: JSON.stringify(p.customer), metadata: JSON.stringify(p.metadata), status_source: 'api' })
        .returning('*');
      return row as PaymentRow;
    },

    async findForMerchant(merchantId: string, id: string): Promise<PaymentRow | undefined> {
      return db<PaymentRow>('payments').where({ id, merchant_id: merchantId }).first();
    },

    async findById(id: string): Promise<PaymentRow | undefined> {
      return db<PaymentRow>('payments').where({ id }).first();
    },

    async findByReference(reference: string): Promise<PaymentRow | undefined> {
      return db<PaymentRow>('payments').where({ feexpay_reference: reference }).first();
    },

    async list(f: ListFilter): Promise<PaymentRow[]> {
      const q = db<PaymentRow>('payments').where('merchant_id', f.merchantId);
      if (f.status) q.andWhere('status', f.status);
      if (f.network) q.andWhere('network', f.network);
      if (f.createdGte) q.andWhere('created_at', '>=', f.createdGte);
      if (f.createdLt) q.andWhere('created_at', '<', f.createdLt);
      if (f.after) {
        q.andWhereRaw('(created_at, id) < (?, ?)', [f.after.createdAt, f.after.id]);
      }
      return q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(f.limit);
    },

    /** Stores what FeexPay answered to request-to-pay while the payment is still pending. */
    async attachFeexPay(
      id: string,
      fields: { reference: string; orderId?: string; paymentUrl?: string; nextAction?: NextAction | null },
    ): Promise<PaymentRow | undefined> {
      const [row] = await db('payments')
        .where({ id })
        .whereNull('feexpay_reference')
        .update({
          feexpay_reference: fields.reference,
          feexpay_order_id: fields.orderId ?? null,
          payment_url: fields.paymentUrl ?? null,
          next_action: fields.nextAction ? JSON.stringify(fields.nextAction) : null,
        })
        .returning('*');
      return row as PaymentRow | undefined;
    },

    /**
     * Takes the OTP step of a pending payment waiting for a code: one caller wins (the others see
     * `undefined`), so a code is sent to FeexPay once however many requests race.
     */
    async takeOtpStep(merchantId: string, id: string): Promise<PaymentRow | undefined> {
      const [row] = await db('payments')
        .where({ id, merchant_id: merchantId, status: 'pending' })
        .whereRaw(`next_action->>'type' = 'otp_required'`)
        .update({ next_action: null })
        .returning('*');
      return row as PaymentRow | undefined;
    },

    async setNextAction(id: string, nextAction: NextAction | null): Promise<void> {
      await db('payments').where({ id, status: 'pending' }).update({ next_action: nextAction ? JSON.stringify(nextAction) : null });
    },

    /** Moves a pending payment to a terminal state; `undefined` when it was no longer pending. */
    async transition(
      trx: Knex.Transaction | Knex,
      id: string,
      to: TerminalStatus,
      source: TransitionSource,
      reason: FailureReason | null,
    ): Promise<PaymentRow | undefined> {
      const [row] = await trx('payments')
        .where({ id, status: 'pending' })
        .update({ status: to, status_source: source, failure_reason: to === 'failed' ? (reason ?? 'unknown') : null })
        .returning('*');
      return row as PaymentRow | undefined;
    },

    /**
     * Claims due pending payments for one reconciler pass. SKIP LOCKED lets replicas share the
     * queue, and pushing next_check_at forward by a lease keeps a claimed row away from the
     * others without holding a transaction open across FeexPay calls.
     */
    async claimDue(limit: number, leaseMs: number): Promise<PaymentRow[]> {
      const { rows } = await db.raw(
        `UPDATE payments SET next_check_at = now() + (? * interval '1 millisecond'),
                             check_attempts = check_attempts + 1
         WHERE id IN (
           SELECT id FROM payments
           WHERE status = 'pending' AND next_check_at <= now()
           ORDER BY next_check_at
           LIMIT ?
           FOR UPDATE SKIP LOCKED)
         AND status = 'pending'
         RETURNING *`,
        [leaseMs, limit],
      );
      return rows as PaymentRow[];
    },

    async reschedule(id: string, nextCheckAt: Date): Promise<void> {
      await db('payments').where({ id, status: 'pending' }).update({ next_check_at: nextCheckAt });
    },

    /** Backlog figures for the gauges: pending by network, and the oldest overdue check. */
    async backlog(): Promise<{ pendingByNetwork: Map<string, number>; oldestDueSeconds: number }> {
      const [byNetwork, overdue] = await Promise.all([
        db('payments').where('status', 'pending').select('network').count<{ network: string; count: number }[]>('* as count').groupBy('network'),
        db.raw(
          `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(next_check_at)), 0)::float8 AS s
           FROM payments WHERE status = 'pending' AND next_check_at <= now()`,
        ),
      ]);
      return {
        pendingByNetwork: new Map(byNetwork.map((r) => [r.network, Number(r.count)])),
        oldestDueSeconds: Number(overdue.rows[0]?.s ?? 0),
      };
    },
  };
}

export type PaymentRepository = ReturnType<typeof createPaymentRepository>;
