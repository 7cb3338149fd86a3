/**
 * SQL for payouts. Every status change goes through `transition`, whose `WHERE status IN (...)`
 * lets concurrent writers (API, reconciler replicas, operators) race safely; the triggers of
 * migration 006 add the audit row, refuse any other move and give a failed payout's amount back
 * to the day's cap.
 */
import type { Knex } from 'knex';
import type { Currency } from '../domain/networks.ts';
import type { FailureReason } from '../domain/payment-status.ts';
import { PAYOUT_STATUSES, PAYOUT_TRANSITIONS, type PayoutNetwork, type PayoutSettledStatus, type PayoutSource, type PayoutStatus } from '../domain/payouts.ts';
import { claimDueRows } from '../db/claim-due.ts';
import { transitionRow } from '../db/transition-row.ts';
import { listNewestFirst, type ListFilter } from '../db/keyset-list.ts';
import { CLAIM_KEY_SQL, completeKey, readTakenKey, storedKey, type TakenKey } from '../payments/idempotency.ts';

export interface PayoutRow {
  id: string;
  merchant_id: string;
  livemode: boolean;
  status: PayoutStatus;
  amount: number;
  currency: Currency;
  network: PayoutNetwork;
  phone_number: string;
  motif: string;
  metadata: Record<string, string>;
  feexpay_reference: string | null;
  failure_reason: FailureReason | null;
  status_source: PayoutSource;
  transition_detail: Record<string, unknown> | null;
  check_attempts: number;
  next_check_at: Date;
  created_at: Date;
  updated_at: Date;
  settled_at: Date | null;
}

export type NewPayout = Pick<PayoutRow, 'id' | 'merchant_id' | 'livemode' | 'amount' | 'currency' | 'network' | 'phone_number' | 'motif' | 'metadata' | 'next_check_at'>;

export type PayoutClaim =
  | { kind: 'claimed'; payout: PayoutRow }
  | ({ kind: 'taken' } & TakenKey)
  /** The payout would take the merchant's day past its cap: nothing was recorded, the key is free. */
  | { kind: 'cap_exceeded'; cap: number; used: number };

const UNIQUE_VIOLATION = '23505';

const FROM = Object.fromEntries(
  PAYOUT_STATUSES.filter((s) => s !== 'pending').map((to) => [to, PAYOUT_STATUSES.filter((from) => PAYOUT_TRANSITIONS[from].includes(to))]),
) as Record<PayoutSettledStatus, PayoutStatus[]>;

/** The merchant's own cap for the currency, else the configured default. */
const CAP_SQL = `(SELECT COALESCE((payout_daily_caps->>:currency)::bigint, :defaultCap) FROM merchants WHERE id = :merchantId)`;

class CapExceeded extends Error {}

export function createPayoutRepository(db: Knex, idempotencyTtlHours: number) {
  async function capFigures(merchantId: string, livemode: boolean, currency: Currency, defaultCap: number): Promise<{ cap: number; used: number }> {
    const { rows } = await db.raw(
      `SELECT ${CAP_SQL}::float8 AS cap,
              COALESCE((SELECT amount FROM payout_daily_totals
                         WHERE merchant_id = :merchantId AND livemode = :livemode AND currency = :currency
                           AND day = (now() AT TIME ZONE 'UTC')::date), 0)::float8 AS used`,
      { merchantId, livemode, currency, defaultCap },
    );
    return { cap: Number(rows[0].cap), used: Number(rows[0].used) };
  }

  return {
    /**
     * In one transaction: claim the key with the payout row, then add the amount to the
     * merchant's day with a conditional UPDATE. Concurrent payouts of a merchant queue on that
     * row's lock and each sees the total the previous one committed, so together they can never
     * pass the cap; one that would is rolled back, key and row with it.
     */
    async claimKeyInsertAndCount(key: string, hash: string, p: NewPayout, defaultCap: number): Promise<PayoutClaim> {
      try {
        return await db.transaction(async (trx): Promise<PayoutClaim> => {
          const bind = { merchantId: p.merchant_id, livemode: p.livemode, currency: p.currency, defaultCap, amount: p.amount };
          const inserted = await trx.raw(
            `WITH ${CLAIM_KEY_SQL}
             INSERT INTO payouts (id, merchant_id, livemode, amount, currency, network, phone_number, motif, metadata, next_check_at, cap_day, status_source)
             SELECT :id, :merchantId, :livemode, :amount, :currency, :network, :phone, :motif, :metadata, :nextCheckAt,
                    (now() AT TIME ZONE 'UTC')::date, 'api'
             WHERE EXISTS (SELECT 1 FROM claimed)
             RETURNING *`,
            {
              ...bind,
              key: storedKey(key, p.livemode),
              hash,
              ttlHours: idempotencyTtlHours,
              paymentId: null,
              payoutId: p.id,
              id: p.id,
              network: p.network,
              phone: p.phone_number,
              motif: p.motif,
              metadata: JSON.stringify(p.metadata),
              nextCheckAt: p.next_check_at,
            },
          );
          if (inserted.rows.length === 0) {
            const taken = await readTakenKey(trx, p.merchant_id, storedKey(key, p.livemode));
            if (!taken) throw new Error('idempotency key vanished during its claim');
            return { kind: 'taken', ...taken };
          }
          const counted = await trx.raw(
            `INSERT INTO payout_daily_totals AS t (merchant_id, livemode, currency, day, amount)
             SELECT :merchantId, :livemode, :currency, (SELECT cap_day FROM payouts WHERE id = :id), :amount
             WHERE :amount <= ${CAP_SQL}
             ON CONFLICT (merchant_id, livemode, currency, day) DO UPDATE SET amount = t.amount + EXCLUDED.amount
               WHERE t.amount + EXCLUDED.amount <= ${CAP_SQL}
             RETURNING amount`,
            { ...bind, id: p.id },
          );
          if (counted.rows.length === 0) throw new CapExceeded();
          return { kind: 'claimed', payout: inserted.rows[0] as PayoutRow };
        });
      } catch (err) {
        if (!(err instanceof CapExceeded)) throw err;
        return { kind: 'cap_exceeded', ...(await capFigures(p.merchant_id, p.livemode, p.currency, defaultCap)) };
      }
    },

    async completeKey(merchantId: string, livemode: boolean, key: string, status: number, body: unknown): Promise<void> {
      await completeKey(db, merchantId, storedKey(key, livemode), status, body);
    },

    /** A test key sees test payouts only, a live key live ones; the other mode's are a 404. */
    async findForMerchant(merchantId: string, livemode: boolean, id: string): Promise<PayoutRow | undefined> {
      return db<PayoutRow>('payouts').where({ id, merchant_id: merchantId, livemode }).first();
    },

    async findById(id: string): Promise<PayoutRow | undefined> {
      return db<PayoutRow>('payouts').where({ id }).first();
    },

    async list(f: ListFilter<PayoutStatus, PayoutNetwork>): Promise<PayoutRow[]> {
      return listNewestFirst<PayoutRow>(db, 'payouts', f);
    },

    /** Stores FeexPay's reference; `conflict` when another payout already holds it (for a person, never a 500). */
    async attachReference(id: string, reference: string): Promise<PayoutRow | 'conflict' | undefined> {
      try {
        const [row] = await db('payouts').where({ id }).whereNull('feexpay_reference').update({ feexpay_reference: reference }).returning('*');
        return row as PayoutRow | undefined;
      } catch (err) {
        if ((err as { code?: string }).code === UNIQUE_VIOLATION) return 'conflict';
        throw err;
      }
    },

    /** Moves a payout to `to` if the state machine allows it from where it stands; `undefined` when another writer moved it first. */
    async transition(
      trx: Knex | Knex.Transaction,
      id: string,
      to: PayoutSettledStatus,
      source: PayoutSource,
      reason: FailureReason | null,
      detail: Record<string, unknown> | null = null,
    ): Promise<PayoutRow | undefined> {
      return transitionRow<PayoutRow>(trx, 'payouts', id, { to, from: FROM[to], source, reason, detail });
    },

    async claimDue(limit: number, leaseMs: number): Promise<PayoutRow[]> {
      return claimDueRows<PayoutRow>(db, 'payouts', limit, leaseMs);
    },

    async reschedule(id: string, nextCheckAt: Date): Promise<void> {
      await db('payouts').where({ id, status: 'pending' }).update({ next_check_at: nextCheckAt });
    },

    /** Pending live payouts by network and the age of the oldest, database-wide, for the gauges. */
    async backlog(): Promise<{ pendingByNetwork: Map<string, number>; oldestPendingSeconds: number }> {
      const { rows } = await db.raw(
        `SELECT network, count(*)::int AS n, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age
           FROM payouts WHERE status = 'pending' AND livemode GROUP BY network`,
      );
      const typed = rows as { network: string; n: number; age: number }[];
      return {
        pendingByNetwork: new Map(typed.map((r) => [r.network, Number(r.n)])),
        oldestPendingSeconds: typed.reduce((m, r) => Math.max(m, Number(r.age)), 0),
      };
    },
  };
}

export type PayoutRepository = ReturnType<typeof createPayoutRepository>;
