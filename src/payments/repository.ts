/**
 * SQL for payments. Every status change goes through `transition`, whose `WHERE status IN (...)`
 * makes concurrent writers (webhook, reconciler, API, operators) race safely: one wins, the others
 * see `undefined`. The database triggers add the audit row and refuse any other move.
 */
import type { Knex } from 'knex';
import { claimDueRows } from '../db/claim-due.ts';
import { prepared } from '../db/prepared.ts';
import { transitionRow } from '../db/transition-row.ts';
import { ALLOWED_TRANSITIONS, PAYMENT_STATUSES, type FailureReason, type PaymentStatus, type SettledStatus, type TransitionSource } from '../domain/payment-status.ts';
import type { PaymentViewType } from '../schemas/payment.ts';
import type { NextAction } from './collect.ts';
import { createBatchedWrites, type AttachedRow, type BatchObserver } from './batched-writes.ts';
import { readTakenKey, storedKey, type TakenKey } from './idempotency.ts';
import { createPaymentKeys } from './payment-keys.ts';
import type { FeexPayFields, ListFilter, NewPayment, PaymentRow } from './payment-row.ts';

export type { FeexPayFields, ListFilter, NewPayment, PaymentRow } from './payment-row.ts';

/** What the first request with an Idempotency-Key finds: its new payment, or the key's earlier use. */
export type KeyClaim = { kind: 'claimed'; payment: PaymentRow } | ({ kind: 'taken' } & TakenKey);

const UNIQUE_VIOLATION = '23505';

/** The statuses a payment must be in for a move to `to` to be allowed (the trigger's table, inverted). */
const FROM: Record<SettledStatus, PaymentStatus[]> = Object.fromEntries(
  PAYMENT_STATUSES.filter((s) => s !== 'pending').map((to) => [to, PAYMENT_STATUSES.filter((from) => ALLOWED_TRANSITIONS[from].includes(to))]),
) as Record<SettledStatus, PaymentStatus[]>;

/** The hot path's reads (db/prepared.ts says why not through knex's builder); its writes are in batched-writes.ts. */
const READ_FOR_MERCHANT = prepared('payments_read_for_merchant', `SELECT * FROM payments WHERE id = :id AND merchant_id = :merchantId AND livemode = :livemode LIMIT 1`);

/** A statement's result, or `conflict` when it broke a unique index (a FeexPay reference already held). */
async function conflictAware<T>(statement: Promise<T>): Promise<T | 'conflict'> {
  try {
    return await statement;
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return 'conflict';
    throw err;
  }
}

/** `observeBatch`: told the rows of each shared statement of the hot path (a metric). */
export function createPaymentRepository(db: Knex, idempotencyTtlHours: number, observeBatch?: BatchObserver) {
  const batched = createBatchedWrites(db, idempotencyTtlHours, observeBatch);

  return {
    ...createPaymentKeys(db, idempotencyTtlHours),

    /**
     * One statement, so one round trip and one commit on the hot path: the key is claimed and the
     * payment inserted together, or neither, and under load one statement for many payments
     * (batched-writes.ts). An expired key is free again; a live one leaves both untouched, and the key's
     * row tells what became of its first use.
     */
    async claimKeyAndInsert(key: string, hash: string, p: NewPayment): Promise<KeyClaim> {
      const stored = storedKey(key, p.livemode);
      const inserted = await batched.claim({
        ...p,
        method: p.method ?? 'mobile_money',
        card_brand: p.card_brand ?? null,
        key: stored,
        request_hash: hash,
        next_check_at: p.next_check_at.toISOString(),
        expires_at: p.expires_at.toISOString(),
      });
      if (inserted) return { kind: 'claimed', payment: inserted };
      const taken = await readTakenKey(db, p.merchant_id, stored);
      // Gone between the two statements only if it expired and was purged: a new claim is the answer.
      return taken ? { kind: 'taken', ...taken } : this.claimKeyAndInsert(key, hash, p);
    },

    /** Another merchant's payment, or one of the other mode, is not found: the same 404. */
    async findForMerchant(merchantId: string, livemode: boolean, id: string): Promise<PaymentRow | undefined> {
      const [row] = await READ_FOR_MERCHANT(db, { id, merchantId, livemode });
      return row as PaymentRow | undefined;
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
      return q
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(f.limit);
    },

    /**
     * Stores FeexPay's reference for a payment that has none. `conflict` when another payment
     * already holds it: FeexPay cannot have issued one reference for two payments, so that is
     * for a person to look at, never a 500. The same shared statement as attachFeexPayAndAnswer,
     * without a key to answer on.
     */
    async attachFeexPay(id: string, fields: FeexPayFields): Promise<PaymentRow | 'conflict' | undefined> {
      const attached = await conflictAware(batched.attach({ id, fields, answerOn: null }));
      return attached === 'conflict' ? attached : attached?.row;
    },

    /**
     * attachFeexPay and completeKey in one statement, so one round trip and one commit fewer per
     * payment, for an answer that leaves the payment pending: `answer` is the payment as the API
     * will show it, computed before the update; the statement sets its `updated_at` from the
     * updated row and stores it on the key only if the payment is still pending (no other writer
     * settled it meanwhile). The caller checks `answer` against the row and stores the key again
     * when they differ. Under load one statement for many payments (batched-writes.ts).
     */
    async attachFeexPayAndAnswer(
      id: string,
      fields: FeexPayFields,
      key: { merchantId: string; livemode: boolean; key: string },
      answer: PaymentViewType,
    ): Promise<AttachedRow | 'conflict' | undefined> {
      return conflictAware(batched.attach({ id, fields, answerOn: { merchantId: key.merchantId, key: storedKey(key.key, key.livemode), answer } }));
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

    /** Due pending payments for one reconciler pass, leased away from other replicas (db/claim-due.ts). */
    async claimDue(limit: number, leaseMs: number): Promise<PaymentRow[]> {
      return claimDueRows<PaymentRow>(db, 'payments', limit, leaseMs);
    },

    /**
     * Claims expired payments due for a late look (see the reconciler). The claim pushes the time
     * a lease ahead, so replicas never look twice, and a look cut short (the process killed, a
     * pass stopped) comes back when the lease ends; the caller schedules the next look, if any.
     * Clearing the time instead lost the look for good on a crash: a late success unseen.
     */
    async claimLateChecks(limit: number, leaseMs: number): Promise<PaymentRow[]> {
      const { rows } = await db.raw(
        `UPDATE payments SET late_check_at = now() + (? * interval '1 millisecond')
         WHERE id IN (
           SELECT id FROM payments
           WHERE late_check_at <= now() AND status = 'expired'
           ORDER BY late_check_at
           LIMIT ?
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [leaseMs, limit],
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
      await db('payments')
        .where({ id, status: 'pending' })
        .update({ next_action: nextAction ? JSON.stringify(nextAction) : null });
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
