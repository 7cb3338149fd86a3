/**
 * SQL for payments. Every status change goes through `transition`, whose `WHERE status IN (...)`
 * makes concurrent writers (webhook, reconciler, API, operators) race safely: one wins, the others
 * see `undefined`. The database triggers add the audit row and refuse any other move.
 */
import type { Knex } from 'knex';
import { claimDueRows } from '../db/claim-due.ts';
import type { CardBrand, Currency, PaymentNetwork } from '../domain/networks.ts';
import {
  ALLOWED_TRANSITIONS,
  PAYMENT_STATUSES,
  type FailureReason,
  type PaymentStatus,
  type SettledStatus,
  type TransitionSource,
} from '../domain/payment-status.ts';
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
> & Partial<Pick<PaymentRow, 'method' | 'card_brand'>> & { next_check_at: Date; expires_at: Date };

export interface ListFilter {
  merchantId: string;
  livemode: boolean;
  status?: PaymentStatus;
  network?: PaymentNetwork;
  createdGte?: Date;
  createdLt?: Date;
  /** Keyset position: the last row of the previous page. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** What the first request with an Idempotency-Key finds: its new payment, or the key's earlier use. */
export type KeyClaim =
  | { kind: 'claimed'; payment: PaymentRow }
  | { kind: 'taken'; requestHash: string; state: 'in_flight' | 'done'; paymentId: string | null; since: Date; status: number | null; body: unknown };

const UNIQUE_VIOLATION = '23505';

/**
 * Keys live in one table for both modes; a test key's are stored under a prefix no client key
 * can take (keys are printable ASCII without spaces), so the same key in test and live mode are
 * two keys, as the modes are two worlds.
 */
const storedKey = (key: string, livemode: boolean) => (livemode ? key : `test mode ${key}`);

/** The statuses a payment must be in for a move to `to` to be allowed (the trigger's table, inverted). */
const FROM: Record<SettledStatus, PaymentStatus[]> = Object.fromEntries(
  PAYMENT_STATUSES.filter((s) => s !== 'pending').map((to) => [to, PAYMENT_STATUSES.filter((from) => ALLOWED_TRANSITIONS[from].includes(to))]),
) as Record<SettledStatus, PaymentStatus[]>;

export function createPaymentRepository(db: Knex, idempotencyTtlHours: number) {
  /** What an earlier use of a key left: its request's hash, state and stored answer. */
  async function takenKey(merchantId: string, key: string): Promise<Extract<KeyClaim, { kind: 'taken' }> | undefined> {
    const k = await db('idempotency_keys').where({ merchant_id: merchantId, key }).first();
    if (!k) return undefined;
    return {
      kind: 'taken',
      requestHash: k.request_hash,
      state: k.state,
      paymentId: k.payment_id,
      since: k.created_at,
      status: k.response_status,
      body: k.response_body,
    };
  }

  return {
    /**
     * One statement, so one round trip and one commit on the hot path: the key is claimed and the
     * payment inserted together, or neither (the key's foreign key is checked at the end of the
     * statement, after the payment row exists). An expired key is free again; a live one makes
     * both inserts no-ops, and the key's row tells what became of its first use.
     */
    async claimKeyAndInsert(key: string, hash: string, p: NewPayment): Promise<KeyClaim> {
      const claimed = await db.raw(
        `WITH claimed AS (
           INSERT INTO idempotency_keys (merchant_id, key, request_hash, state, payment_id, expires_at)
           VALUES (:merchantId, :key, :hash, 'in_flight', :id, now() + (:ttlHours * interval '1 hour'))
           ON CONFLICT (merchant_id, key) DO UPDATE
             SET request_hash = EXCLUDED.request_hash, state = 'in_flight', payment_id = EXCLUDED.payment_id,
                 response_status = NULL, response_body = NULL, created_at = now(),
                 expires_at = EXCLUDED.expires_at
             WHERE idempotency_keys.expires_at < now()
           RETURNING key)
         INSERT INTO payments (id, merchant_id, livemode, amount, currency, network, method, card_brand, phone_number, description,
                               customer, metadata, next_check_at, expires_at, status_source)
         SELECT :id, :merchantId, :livemode, :amount, :currency, :network, :method, :cardBrand, :phone, :description,
                :customer, :metadata, :nextCheckAt, :expiresAt, 'api'
         WHERE EXISTS (SELECT 1 FROM claimed)
         RETURNING *`,
        {
          merchantId: p.merchant_id,
          key: storedKey(key, p.livemode),
          livemode: p.livemode,
          hash,
          ttlHours: idempotencyTtlHours,
          id: p.id,
          amount: p.amount,
          currency: p.currency,
          network: p.network,
          method: p.method ?? 'mobile_money',
          cardBrand: p.card_brand ?? null,
          phone: p.phone_number,
          description: p.description,
          customer: JSON.stringify(p.customer),
          metadata: JSON.stringify(p.metadata),
          nextCheckAt: p.next_check_at,
          expiresAt: p.expires_at,
        },
      );
      if (claimed.rows.length === 1) return { kind: 'claimed', payment: claimed.rows[0] as PaymentRow };
      const k = await takenKey(p.merchant_id, storedKey(key, p.livemode));
      // Gone between the two statements only if it expired and was purged: a new claim is the answer.
      return k ?? this.claimKeyAndInsert(key, hash, p);
    },

    /** Claims a key for a request on an existing payment (the OTP step): no row is inserted. */
    async claimKey(merchantId: string, livemode: boolean, key: string, hash: string, paymentId: string): Promise<{ kind: 'claimed' } | Extract<KeyClaim, { kind: 'taken' }>> {
      const claimed = await db.raw(
        `INSERT INTO idempotency_keys (merchant_id, key, request_hash, state, payment_id, expires_at)
         VALUES (:merchantId, :key, :hash, 'in_flight', :paymentId, now() + (:ttlHours * interval '1 hour'))
         ON CONFLICT (merchant_id, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, state = 'in_flight', payment_id = EXCLUDED.payment_id,
               response_status = NULL, response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
           WHERE idempotency_keys.expires_at < now()
         RETURNING key`,
        { merchantId, key: storedKey(key, livemode), hash, paymentId, ttlHours: idempotencyTtlHours },
      );
      if (claimed.rows.length === 1) return { kind: 'claimed' };
      return (await takenKey(merchantId, storedKey(key, livemode))) ?? this.claimKey(merchantId, livemode, key, hash, paymentId);
    },

    /** Whether a key is held (in flight or answered) and not expired: a retry, not a new request. */
    async isKeyLive(merchantId: string, livemode: boolean, key: string): Promise<boolean> {
      const row = await db('idempotency_keys').where({ merchant_id: merchantId, key: storedKey(key, livemode) }).where('expires_at', '>', db.fn.now()).first('key');
      return row !== undefined;
    },

    /** Stores the answer a key replays from now on. */
    async completeKey(merchantId: string, livemode: boolean, key: string, status: number, body: unknown): Promise<void> {
      await db('idempotency_keys')
        .where({ merchant_id: merchantId, key: storedKey(key, livemode) })
        .update({ state: 'done', response_status: status, response_body: JSON.stringify(body) });
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
      const q = db<PaymentRow>('payments').where({ merchant_id: f.merchantId, livemode: f.livemode });
      if (f.status) q.andWhere('status', f.status);
      if (f.network) q.andWhere('network', f.network);
      if (f.createdGte) q.andWhere('created_at', '>=', f.createdGte);
      if (f.createdLt) q.andWhere('created_at', '<', f.createdLt);
      if (f.after) {
        q.andWhereRaw('(created_at, id) < (?, ?)', [f.after.createdAt, f.after.id]);
      }
      return q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(f.limit);
    },

    /**
     * Stores FeexPay's reference for a payment that has none. `conflict` when another payment
     * already holds it: FeexPay cannot have issued one reference for two payments, so that is
     * for a person to look at, never a 500.
     */
    async attachFeexPay(
      id: string,
      fields: { reference: string; orderId?: string; paymentUrl?: string; nextAction?: NextAction | null },
    ): Promise<PaymentRow | 'conflict' | undefined> {
      try {
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
      const [row] = await trx('payments')
        .where({ id })
        .whereIn('status', FROM[to])
        .update({
          status: to,
          status_source: source,
          failure_reason: to === 'failed' ? (reason ?? 'unknown') : null,
          transition_detail: detail ? JSON.stringify(detail) : null,
        })
        .returning('*');
      return row as PaymentRow | undefined;
    },

    /** Due pending payments for one reconciler pass, leased away from other replicas (db/claim-due.ts). */
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
