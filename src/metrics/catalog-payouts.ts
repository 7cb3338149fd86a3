/** Catalog entries of payouts (money sent to a phone). */
import { CURRENCIES } from '../domain/networks.ts';
import { PAYOUT_NETWORKS } from '../domain/payouts.ts';
import { def, REASON_LABEL as reason } from './metric-def.ts';

export const payoutMetrics = {
  payoutsRequested: def({
    name: 'feexpay_payouts_requested_total',
    type: 'counter',
    help: 'Payouts accepted by the API (within the daily cap) and sent to FeexPay, by network.',
    labels: { network: PAYOUT_NETWORKS },
    source: 'service',
  }),
  payoutOutcomes: def({
    name: 'feexpay_payouts_outcomes_total',
    type: 'counter',
    help: 'Payouts that left pending, by network, outcome (needs_review: not established) and failure reason class.',
    labels: { network: PAYOUT_NETWORKS, outcome: ['successful', 'failed', 'needs_review'], reason },
    source: 'service',
  }),
  amountPaidOut: def({
    name: 'feexpay_payouts_amount_total',
    type: 'counter',
    help: 'Money FeexPay confirmed sent by successful payouts, in whole currency units.',
    labels: { network: PAYOUT_NETWORKS, currency: CURRENCIES },
    source: 'service',
  }),
  payoutsPending: def({
    name: 'feexpay_payouts_pending',
    type: 'gauge',
    help: 'Payouts currently pending, by network (read from the database: the same on every replica).',
    labels: { network: PAYOUT_NETWORKS },
    source: 'service',
  }),
  payoutsOldestPending: def({
    name: 'feexpay_payouts_oldest_pending_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest payout still pending (0 when none), from the database.',
    labels: {},
    source: 'service',
  }),
  payoutCapHits: def({
    name: 'feexpay_payout_cap_exceeded_total',
    type: 'counter',
    help: 'Payouts refused because they would take a merchant past its daily payout cap, by currency.',
    labels: { currency: CURRENCIES },
    source: 'service',
  }),
} as const;
