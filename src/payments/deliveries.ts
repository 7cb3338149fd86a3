/** FeexPay webhook deliveries: every one is recorded, with what the service made of it. */
import type { Knex } from 'knex';
import type { WebhookResult } from '../domain/webhook-results.ts';

export interface NewDelivery {
  /** null: a refused delivery whose body named no usable reference. */
  reference: string | null;
  paymentId: string | null;
  claimedStatus: string | null;
  result: WebhookResult;
}

export function createDeliveries(db: Knex) {
  return {
    async record(d: NewDelivery): Promise<void> {
      await db('webhook_deliveries').insert({
        reference: d.reference,
        payment_id: d.paymentId,
        claimed_status: d.claimedStatus,
        result: d.result,
      });
    },

    /**
     * References that webhooks named for a payment that has none, which FeexPay could not yet
     * confirm: the reconciler tries them (with the pairing checks) before giving up on a payment.
     */
    async candidateReferences(paymentId: string, limit = 5): Promise<string[]> {
      const rows = await db('webhook_deliveries').distinct('reference').where({ payment_id: paymentId, result: 'unconfirmed' }).whereNotNull('reference').limit(limit);
      return rows.map((r: { reference: string }) => r.reference);
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;
