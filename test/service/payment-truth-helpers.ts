/** Shared by the payment-truth tests: admin credentials, deadline control, review items, metrics. */
import type { TestApp } from '../helpers/app.ts';

export const ADMIN = { user: 'ops', password: 'correct horse battery staple' };
export const asAdmin = { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` };

/** Moves a payment's deadline into the past and makes it due, so the next reconciler pass is its final check. */
export async function pastDeadline(t: TestApp, id: string): Promise<void> {
  await t.database
    .db('payments')
    .where({ id })
    .update({ expires_at: new Date(Date.now() - 1000), next_check_at: new Date(Date.now() - 1000) });
}

export async function reviewItems(t: TestApp, paymentId: string) {
  return t.database.db('review_items').where({ payment_id: paymentId }).orderBy('id');
}

export async function scrape(t: TestApp): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  return res.body;
}
