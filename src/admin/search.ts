/**
 * Finding one payment from what an operator has in hand: our payment id (a merchant quotes it)
 * or FeexPay's reference (FeexPay's dashboard or support quotes it). Either is looked up in both
 * columns, so the operator need not know which one they hold. The view carries the merchant and
 * the phone number's last 4 digits only: no full number, customer name, email or description.
 */
import type { Knex } from 'knex';

/** A payment id or a FeexPay reference: what the page and the JSON API accept in `q`. */
export const SEARCH_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
const SEARCH_RE = new RegExp(SEARCH_PATTERN);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SEARCH_HINT = 'Enter a payment id (like 0b6f…-…) or a FeexPay reference: letters, digits, ".", "_" or "-", at most 128.';

export const isSearchable = (q: string) => SEARCH_RE.test(q);

export interface FoundPayment {
  id: string;
  mode: 'live' | 'test';
  status: string;
  amount: number;
  currency: string;
  network: string;
  phone_last4: string;
  feexpay_reference: string | null;
  failure_reason: string | null;
  merchant: { id: string; name: string };
  created_at: string;
  settled_at: string | null;
  expires_at: string;
  /** Which column held what was searched. */
  matched: 'id' | 'feexpay_reference';
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** At most two payments: the one with this id and the one holding it as FeexPay reference. */
export async function findPayments(db: Knex, q: string): Promise<FoundPayment[]> {
  const rows = await db('payments as p')
    .join('merchants as m', 'm.id', 'p.merchant_id')
    .where((w) => {
      void w.where('p.feexpay_reference', q);
      if (UUID_RE.test(q)) void w.orWhere('p.id', q.toLowerCase());
    })
    .select(
      'p.id',
      'p.livemode',
      'p.status',
      'p.amount',
      'p.currency',
      'p.network',
      'p.phone_number',
      'p.feexpay_reference',
      'p.failure_reason',
      'p.created_at',
      'p.settled_at',
      'p.expires_at',
      'm.id as merchant_id',
      'm.name as merchant_name',
    )
    .orderBy('p.created_at', 'desc')
    .limit(2);
  return rows.map((r) => ({
    id: r.id,
    mode: r.livemode ? 'live' : 'test',
    status: r.status,
    amount: Number(r.amount),
    currency: r.currency,
    network: r.network,
    phone_last4: String(r.phone_number).slice(-4),
    feexpay_reference: r.feexpay_reference,
    failure_reason: r.failure_reason,
    merchant: { id: r.merchant_id, name: r.merchant_name },
    created_at: iso(r.created_at)!,
    settled_at: iso(r.settled_at),
    expires_at: iso(r.expires_at)!,
    matched: r.feexpay_reference === q ? 'feexpay_reference' : 'id',
  }));
}
