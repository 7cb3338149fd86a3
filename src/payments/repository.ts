/**
 * SQL for payments. Every status change goes through `transition`, whose `WHERE status IN (...)`
 * makes concurrent writers (webhook, reconciler, API, operators) race safely: one wins, the others
 * see `undefined`. The database triggers add the audit row and refuse any other move.
 */
import type { Knex } from 'knex';
import type { Currency, Network } from '../domain/networks.ts';
import {
  ALLOWED_TRANSITIONS,
  PAYMENT_STATUSES,
  type FailureReason,
  type PaymentStatus,
  type SettledStatus,
  type TransitionSource,
} from '../domain/payment-status.ts';
import { claimDueRows } from '../db/claim-due.ts';
import { transitionRow } from '../db/transition-row.ts';
import { listNewestFirst, type ListFilter as BaseListFilter } from '../db/keyset-list.ts';
import { CLAIM_KEY_SQL, completeKey, readTakenKey, storedKey, type TakenKey } from './idempotency.ts';

export interface PaymentRow {
  id: string;
  merchant_id: string;
  status: PaymentStatus;
  amount: number;
  currency: Currency;
  network: Network;
  phone_number: string;
  description: string | null;
  customer: { first_name?: string; last_name?: string; email?: string };
  metadata: Record<string, string>;
  feexpay_reference: string | null;
  feexpay_order_id: string | null;
  payment_url: string | null;
  failure_reason: FailureReason | null;
  status_source: TransitionSource;
  transition_detail: Record<string, unknown> | null;
  late_check_at: Date | null;
  /** false for a test key's payment: simulator only, never counted as money. */
  livemode: boolean;
  check_attempts: number;
  next_check_at: Date;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  settled_at: Date | null;
}

export type NewPayment = Pick<
  PaymentRow,
  'id' | 'merchant_id' | 'livemode' | 'amount' | 'currency' | 'network' | 'phone_number' | 'description' | 'customer' | 'metadata'
> & { next_check_at: Date; expires_at: Date };

export type ListFilter = BaseListFilter<PaymentStatus, Network>;

/** What the first request with an Idempotency-Key finds: its new payment, or the key's earlier use. */
export type KeyClaim = { kind: 'claimed'; payment: PaymentRow } | ({ kind: 'taken' } & TakenKey);

const UNIQUE_VIOLATION = '23505';


/** The statuses a payment must be in for a move to `to` to be allowed (the trigger's table, inverted). */
const FROM: Record<SettledStatus, PaymentStatus[]> = Object.fromEntries(
  PAYMENT_STATUSES.filter((s) => s !== 'pending').map((to) => [to, PAYMENT_STATUSES.filter((from) => ALLOWED_TRANSITIONS[from].includes(to))]),
) as Record<SettledStatus, PaymentStatus[]>;

export function createPaymentRepository(db: Knex, idempotencyTtlHours: number) {
  return {
    /**
     * One statement, so one round trip and one commit on the hot path: the key is claimed and the
     * payment inserted together, or neither (see CLAIM_KEY_SQL); the key's row tells what became
     * of its first use.
     */
    async claimKeyAndInsert(key: string, hash: string, p: NewPayment): Promise<KeyClaim> {
      const claimed = await db.raw(
        `WITH ${CLAIM_KEY_SQL}
         INSERT INTO payments (id, merchant_id, livemode, amount, currency, network, phone_number, description, customer, metadata,
                               next_check_at, expires_at, status_source)
         SELECT :id, :merchantId, :livemode, :amount, :currency, :network, :phone, :description, :customer, :metadata,
                :nextCheckAt, :expiresAt, 'api'
         WHERE EXISTS (SELECT 1 FROM claimed)
         RETURNING *`,
        {
          merchantId: p.merchant_id,
          key: storedKey(key, p.livemode),
          livemode: p.livemode,
          hash,
          ttlHours: idempotencyTtlHours,
          paymentId: p.id,
          payoutId: null,
          id: p.id,
          amount: p.amount,
          currency: p.currency,
          network: p.network,
          phone: p.phone_number,
          description: p.description,
          customer: JSON.stringify(p.customer),
          metadata: JSON.stringify(p.metadata),
          nextCheckAt: p.next_check_at,
          expiresAt: p.expires_at,
        },
      );
      if (claimed.rows.length === 1) return { kind: 'claimed', payment: claimed.rows[0] as PaymentRow };
      const taken = await readTakenKey(db, p.merchant_id, storedKey(key, p.livemode));
      // Gone between the two statements only if it expired and was purged: a new claim is the answer.
      if (!taken) return this.claimKeyAndInsert(key, hash, p);
      return { kind: 'taken', ...taken };
    },

    /** Stores the answer a key replays from now on. */
    async completeKey(merchantId: string, livemode: boolean, key: string, status: number, body: unknown): Promise<void> {
      await completeKey(db, merchantId, storedKey(key, livemode), status, body);
    },

    /** Keys are kept for the TTL (at least 24 h); older ones are removed in small batches. */
    async purgeExpiredKeys(limit = 1000): Promise<number> {
      return db('idempotency_keys')
        .whereIn(
          ['merchant_id', 'key'],
          db('idempotency_keys').select('merchant_id', 'key').where('expires_at', '<', db.fn.now()).limit(limit),
        )
        .del();
    },

    /** Another merchant's payment, or one of the other mode, is not found: the same 404. */
    async findForMerchant(merchantId: string, livemode: boolean, id: string): Promise<PaymentRow | undefined> {
      return db<PaymentRow>('payments').where({ id, merchant_id: merchantId, livemode }).first();
    },

    async findById(id: string): Promise<PaymentRow | undefined> {
      return db<PaymentRow>('payments').where({ id }).first();
    },

    async findByReference(reference: string): Promise<PaymentRow | undefined> {
      return db<PaymentRow>('payments').where({ feexpay_reference: reference }).first();
    },

    async list(f: ListFilter): Promise<PaymentRow[]> {
      return listNewestFirst<PaymentRow>(db, 'payments', f);
    },

    /**
     * Stores FeexPay's reference for a payment that has none. `conflict` when another payment
     * already holds it: FeexPay cannot have issued one reference for two payments, so that is
     * for a person to look at, never a 500.
     */
    async attachFeexPay(
      id: string,
      fields: { reference: string; orderId?: string; paymentUrl?: string },
    ): Promise<PaymentRow | 'conflict' | undefined> {
      try {
        const [row] = await db('payments')
          .where({ id })
          .whereNull('feexpay_reference')
          .update({
            feexpay_reference: fields.reference,
            feexpay_order_id: fields.orderId ?? null,
            payment_url: fields.paymentUrl ?? null,
          })
          .returning('*');
        return row as PaymentRow | undefined;
      } catch (err) {
        if ((err as { code?: string }).code === UNIQUE_VIOLATION) return 'conflict';
        throw err;
      }
    },

    /**
     * Moves a payment to `to` if the state machine allows it from where the payment stands;
     * `undefined` when another writer moved it first. `detail` lands in the audit row.
     */
    async transition(
      trx: Knex.Transaction | Knex,
      id: string,
      to: SettledStatus,
      source: TransitionSource,
      reason: FailureReason | null,
      detail: Record<string, unknown> | null = null,
    ): Promise<PaymentRow | undefined> {
      return transitionRow<PaymentRow>(trx, 'payments', id, { to, from: FROM[to], source, reason, detail });
    },

    /** Claims due pending payments for one reconciler pass (see claimDueRows). */
    async claimDue(limit: number, leaseMs: number): Promise<PaymentRow[]> {
      return claimDueRows<PaymentRow>(db, 'payments', limit, leaseMs);
    },

    /**
     * Claims expired payments due for a late look (see the reconciler). The claim clears the
     * time, so replicas never look twice; the caller schedules the next look, if any.
     */
    async claimLateChecks(limit: number): Promise<PaymentRow[]> {
      const { rows } = await db.raw(
        `UPDATE payments SET late_check_at = NULL
         WHERE id IN (
           SELECT id FROM payments
           WHERE late_check_at <= now() AND status = 'expired'
           ORDER BY late_check_at
           LIMIT ?
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [limit],
      );
      return rows as PaymentRow[];
    },

    async scheduleLateCheck(id: string, at: Date | null): Promise<void> {
      await db('payments').where({ id, status: 'expired' }).update({ late_check_at: at });
    },

    async reschedule(id: string, nextCheckAt: Date): Promise<void> {
      await db('payments').where({ id, status: 'pending' }).update({ next_check_at: nextCheckAt });
    },

    /** Backlog figures for the gauges (live payments only): pending by network, the oldest overdue check, the oldest pending payment. */
    async backlog(): Promise<{ pendingByNetwork: Map<string, number>; oldestDueSeconds: number; oldestPendingSeconds: number }> {
      const [byNetwork, ages] = await Promise.all([
        db('payments').where({ status: 'pending', livemode: true }).select('network').count<{ network: string; count: number }[]>('* as count').groupBy('network'),
        db.raw(
          `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(next_check_at) FILTER (WHERE next_check_at <= now())), 0)::float8 AS due,
                  COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS pending
           FROM payments WHERE status = 'pending' AND livemode`,
        ),
      ]);
      return {
        pendingByNetwork: new Map(byNetwork.map((r) => [r.network, Number(r.count)])),
        oldestDueSeconds: Number(ages.rows[0]?.due ?? 0),
        oldestPendingSeconds: Number(ages.rows[0]?.pending ?? 0),
      };
    },
  };
}

export type PaymentRepository = ReturnType<typeof createPaymentRepository>;
