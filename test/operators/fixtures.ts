/**
 * Payments written straight into the database with chosen dates and outcomes, so the operators'
 * views can be checked against numbers the test knows. The triggers still run: a terminal status
 * is reached through a real UPDATE from pending, which writes the audit events.
 */
import type { PaymentStatus } from '../../src/domain/payment-status.ts';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createMerchant } from '../../src/merchants/merchants.ts';

/** Personal data that must never show up in a dashboard, report or log archive. */
export const PII = { phone: '2290167123456', firstName: 'Afiwa', lastName: 'Dossouvi', email: 'afiwa.dossouvi@example.com' };

export interface SeedPayment {
  status: PaymentStatus;
  amount: number;
  currency?: 'XOF' | 'XAF';
  network?: string;
  createdAt: Date;
  failureReason?: string;
  /** When it left pending (default: a minute after creation). */
  settledAt?: Date;
}

export async function seedMerchant(db: Knex): Promise<string> {
  const { merchant } = await createMerchant(db, `merchant ${randomUUID().slice(0, 8)}`);
  return merchant.id;
}

export async function insertPayments(db: Knex, merchantId: string, payments: SeedPayment[]): Promise<string[]> {
  const ids: string[] = [];
  for (const p of payments) {
    const id = randomUUID();
    ids.push(id);
    await db('payments').insert({
      id,
      merchant_id: merchantId,
      amount: p.amount,
      currency: p.currency ?? 'XOF',
      network: p.network ?? 'mtn',
      phone_number: PII.phone,
      description: 'Order 42',
      customer: JSON.stringify({ first_name: PII.firstName, last_name: PII.lastName, email: PII.email }),
      metadata: JSON.stringify({}),
      created_at: p.createdAt,
      next_check_at: p.createdAt,
      expires_at: new Date(p.createdAt.getTime() + 3_600_000),
    });
    if (p.status !== 'pending') {
      await db('payments')
        .where({ id })
        .update({
          status: p.status,
          failure_reason: p.status === 'failed' ? (p.failureReason ?? 'insufficient_funds') : null,
          status_source: p.status === 'expired' || p.status === 'needs_review' ? 'reconciler' : 'webhook',
        });
      // The guard trigger stamps settled_at with now(); tests want it at a chosen time. A
      // payment under review has not settled.
      if (p.status !== 'needs_review') {
        await db('payments')
          .where({ id })
          .update({ settled_at: p.settledAt ?? new Date(p.createdAt.getTime() + 60_000) });
      }
    }
  }
  return ids;
}

export const hoursAgo = (h: number, from = Date.now()) => new Date(from - h * 3_600_000);
