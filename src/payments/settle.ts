/**
 * Applies what FeexPay says about a payment. Shared by the API (immediate answers), the webhook
 * and the reconciler, so a payment is settled the same way whichever path sees the news first.
 */
import type { Knex } from 'knex';
import type { FastifyBaseLogger } from 'fastify';
import type { FailureReason, TransitionSource } from '../domain/payment-status.ts';
import type { FeexPayStatus } from '../feexpay/types.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import type { PaymentRepository, PaymentRow } from './repository.ts';

export interface SettlerDeps {
  db: Knex;
  payments: PaymentRepository;
  metrics: ServiceMetrics;
  log: FastifyBaseLogger;
  /** Told of every terminal transition (success-rate watch, notifications). */
  onFinished?: (row: PaymentRow) => void;
  /** Told when FeexPay says something that must not move money state (amount mismatch). */
  onAnomaly?: (message: string, payment: PaymentRow) => void;
}

export type SettleOutcome = 'settled' | 'still_pending' | 'already_final' | 'anomaly';

export function createSettler(deps: SettlerDeps) {
  function record(row: PaymentRow): void {
    const reason = row.failure_reason ?? 'none';
    deps.metrics.paymentsFinished.inc({ network: row.network, outcome: row.status, reason });
    if (row.status === 'successful') {
      deps.metrics.amountCollected.inc({ network: row.network, currency: row.currency }, Number(row.amount));
    }
    deps.log.info(
      {
        event: 'payment.transition',
        payment_id: row.id,
        feexpay_reference: row.feexpay_reference,
        to: row.status,
        source: row.status_source,
        reason: row.failure_reason,
        amount: Number(row.amount),
        currency: row.currency,
        network: row.network,
        duration_ms: new Date(row.updated_at).getTime() - new Date(row.created_at).getTime(),
      },
      'payment transition',
    );
    deps.onFinished?.(row);
  }

  async function move(
    payment: PaymentRow,
    to: 'successful' | 'failed' | 'expired',
    source: TransitionSource,
    reason: FailureReason | null,
    trx: Knex | Knex.Transaction = deps.db,
  ): Promise<SettleOutcome> {
    const row = await deps.payments.transition(trx, payment.id, to, source, reason);
    if (!row) return 'already_final';
    record(row);
    return 'settled';
  }

  return {
    /** Applies a FeexPay status that FeexPay itself reported (never a webhook body alone). */
    async apply(
      payment: PaymentRow,
      status: FeexPayStatus,
      source: TransitionSource,
      reason?: FailureReason,
      reportedAmount?: number,
    ): Promise<SettleOutcome> {
      if (payment.status !== 'pending') return 'already_final';
      if (status === 'pending') return 'still_pending';
      if (status === 'successful' && reportedAmount !== undefined && reportedAmount !== Number(payment.amount)) {
        deps.onAnomaly?.('FeexPay reported a different amount for a successful payment', payment);
        deps.log.error(
          { event: 'payment.amount_mismatch', payment_id: payment.id, expected: Number(payment.amount), reported: reportedAmount },
          'FeexPay amount differs: payment left pending for review',
        );
        return 'anomaly';
      }
      return move(payment, status, source, status === 'failed' ? (reason ?? 'unknown') : null);
    },

    async fail(payment: PaymentRow, source: TransitionSource, reason: FailureReason): Promise<SettleOutcome> {
      return move(payment, 'failed', source, reason);
    },

    async expire(payment: PaymentRow): Promise<SettleOutcome> {
      return move(payment, 'expired', 'reconciler', null);
    },
  };
}

export type Settler = ReturnType<typeof createSettler>;
