/** Route schemas of the payout API (TypeBox): validation, serialization and the OpenAPI document. */
import Type, { type Static } from 'typebox';
import { CURRENCIES } from '../domain/networks.ts';
import { MOTIF_PATTERN, PAYOUT_LIMITS, PAYOUT_NETWORKS, PAYOUT_STATUSES } from '../domain/payouts.ts';
import { MetadataInput } from './payment.ts';

export const CreatePayoutBody = Type.Object(
  {
    // The per-country minimum (50 in Benin, 100 elsewhere) is checked by the route, naming the field.
    amount: Type.Integer({
      minimum: 1,
      maximum: PAYOUT_LIMITS.max,
      description: `Whole currency units, ${PAYOUT_LIMITS.minBenin} (Benin) or ${PAYOUT_LIMITS.min} to ${PAYOUT_LIMITS.max}.`,
    }),
    currency: Type.Enum([...CURRENCIES]),
    network: Type.Enum([...PAYOUT_NETWORKS], { description: 'FeexPay operator code of the beneficiary.' }),
    phone_number: Type.String({ pattern: '^[0-9]{8,15}$', description: "Beneficiary's number: digits with country code, no +." }),
    motif: Type.String({ pattern: MOTIF_PATTERN.source, description: 'Shown to the beneficiary: 1 to 30 letters, digits and spaces.' }),
    // The payment's schema: the stored text rules (no NUL, no lone surrogate) were missing here,
    // and PostgreSQL's jsonb refusal was a 500.
    metadata: Type.Optional(MetadataInput),
  },
  {
    additionalProperties: false,
    examples: [{ amount: 5000, currency: 'XOF', network: 'mtn', phone_number: '2290167000042', motif: 'Refund order 42', metadata: { order: '42' } }],
  },
);
export type CreatePayoutBody = Static<typeof CreatePayoutBody>;

export const PAYOUT_STATUS_HELP = [
  'pending: FeexPay has been asked to send the money; wait (polling).',
  'successful: FeexPay confirmed the money was sent.',
  'failed: FeexPay stated the money was not sent (see failure_reason); it no longer counts against the daily cap; you may pay out again with a new Idempotency-Key.',
  'needs_review: the outcome could not be established (FeexPay unreachable, no reference, or answers that do not fit); do NOT pay out again: the money may have left; an operator will make it successful or failed.',
].join(' ');

const PAYOUT_EXAMPLE = {
  id: '7d3c2f0e-4b1a-4c5d-9e8f-1a2b3c4d5e6f',
  object: 'payout',
  status: 'pending',
  amount: 5000,
  currency: 'XOF',
  network: 'mtn',
  phone_last4: '0042',
  livemode: true,
  motif: 'Refund order 42',
  metadata: { order: '42' },
  feexpay_reference: '3f1c2a8e-9b7d-4c55-8e2f-1a2b3c4d5e6f',
  failure_reason: null,
  created_at: '2026-12-01T10:00:00.000Z',
  updated_at: '2026-12-01T10:00:01.000Z',
  settled_at: null,
};

export const PayoutView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    object: Type.Literal('payout'),
    status: Type.Enum([...PAYOUT_STATUSES], { description: PAYOUT_STATUS_HELP }),
    amount: Type.Integer(),
    currency: Type.String(),
    network: Type.String(),
    phone_last4: Type.String(),
    livemode: Type.Boolean({ description: "false for a test key's payout: made on the built-in simulator, no money moved." }),
    motif: Type.String(),
    metadata: Type.Record(Type.String(), Type.String()),
    feexpay_reference: Type.Union([Type.String(), Type.Null()]),
    failure_reason: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    settled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { examples: [PAYOUT_EXAMPLE] },
);
export type PayoutViewType = Static<typeof PayoutView>;

export const ListPayoutsQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...PAYOUT_STATUSES])),
    network: Type.Optional(Type.Enum([...PAYOUT_NETWORKS])),
    created_gte: Type.Optional(Type.String({ format: 'date-time' })),
    created_lt: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size, 1 to 100.', examples: [20] })),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
  },
  { additionalProperties: false },
);
export type ListPayoutsQuery = Static<typeof ListPayoutsQuery>;

export const PayoutList = Type.Object(
  {
    object: Type.Literal('list'),
    data: Type.Array(PayoutView),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  },
  { examples: [{ object: 'list', data: [PAYOUT_EXAMPLE], next_cursor: null }] },
);
