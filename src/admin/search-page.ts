/**
 * /admin/payments?q=: one payment found by our id or FeexPay's reference, rendered on the server
 * (no script). The phone number shows as its last 4 digits; no customer name, email or description.
 */
import type { FoundPayment } from './search.ts';
import { integer } from '../reports/integer.ts';
import { escapeHtml, layout } from './html.ts';

const time = (t: string | null) => (t ? escapeHtml(t.replace('T', ' ').replace(/\.\d+Z$/, '')) : '—');

function details(p: FoundPayment): string {
  const rows: [string, string][] = [
    ['Payment', `<code>${escapeHtml(p.id)}</code>`],
    ['FeexPay reference', p.feexpay_reference ? `<code>${escapeHtml(p.feexpay_reference)}</code>` : 'none yet'],
    ['Merchant', `${escapeHtml(p.merchant.name)} <code>${escapeHtml(p.merchant.id)}</code>`],
    ['Status', `<strong>${escapeHtml(p.status)}</strong>${p.failure_reason ? ` (${escapeHtml(p.failure_reason)})` : ''}`],
    ['Amount', `${integer(p.amount)} ${escapeHtml(p.currency)}`],
    ['Network', `${escapeHtml(p.network)}, phone …${escapeHtml(p.phone_last4)}`],
    ['Data', p.mode === 'test' ? 'TEST (sandbox: no money moved)' : 'live'],
    ['Created (UTC)', time(p.created_at)],
    ['Deadline (UTC)', time(p.expires_at)],
    ['Settled (UTC)', time(p.settled_at)],
  ];
  return `<article class="payment" data-payment="${escapeHtml(p.id)}" data-matched="${p.matched}">
    <h3>Found by ${p.matched === 'id' ? 'payment id' : 'FeexPay reference'}</h3>
    <dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
  </article>`;
}

export interface SearchPageState {
  query: string;
  /** null: nothing searched yet. */
  found: FoundPayment[] | null;
  problem?: string;
}

export function renderSearchPage(s: SearchPageState, assetVersion: string): string {
  let result = '<p class="hint">Paste a payment id (a merchant quotes it) or a FeexPay reference (FeexPay quotes it) in the box above.</p>';
  if (s.problem) result = `<p id="error" role="alert">${escapeHtml(s.problem)}</p>`;
  else if (s.found && s.found.length === 0) result = `<p id="not-found" role="status">No payment has the id or FeexPay reference <code>${escapeHtml(s.query)}</code>.</p>`;
  else if (s.found) result = s.found.map(details).join('\n');
  return layout({
    title: 'find a payment',
    section: 'payments',
    assetVersion,
    query: s.query,
    body: `<main id="payments">
  <h2>Find a payment</h2>
  ${result}
</main>`,
  });
}
