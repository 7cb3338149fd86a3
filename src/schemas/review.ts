/** Schemas of the operators' review API under /admin/api (TypeBox): validation and types. */
import Type, { type Static } from 'typebox';
import { NETWORKS } from '../domain/networks.ts';
import { REVIEW_CAUSES } from '../domain/payment-status.ts';

const Operator = Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\p{L}\\p{N} ._@-]+$', description: 'Who decides: named in the audit trail.' });
const Reason = Type.String({ minLength: 3, maxLength: 500, pattern: '^[^\\u0000-\\u001f]+$' });
const Uuid = Type.String({ format: 'uuid' });

export const ReviewItemsQuery = Type.Object(
  {
    open: Type.Optional(Type.Enum(['true', 'false'])),
    mode: Type.Optional(Type.Enum(['live', 'test'], { description: 'Items of live payments (default) or of test payments.' })),
    cause: Type.Optional(Type.Enum([...REVIEW_CAUSES])),
    payment_id: Type.Optional(Uuid),
    before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,17}$' })),
  },
  { additionalProperties: false },
);
export type ReviewItemsQuery = Static<typeof ReviewItemsQuery>;

export const PaymentIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const ItemIdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }, { additionalProperties: false });

export const AttachReferenceBody = Type.Object({ reference: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }), operator: Operator }, { additionalProperties: false });
export type AttachReferenceBody = Static<typeof AttachReferenceBody>;

export const DecisionBody = Type.Object({ status: Type.Enum(['successful', 'failed']), reason: Reason, operator: Operator }, { additionalProperties: false });
export type DecisionBody = Static<typeof DecisionBody>;

export const BulkDecisionBody = Type.Object(
  {
    status: Type.Enum(['successful', 'failed']),
    reason: Reason,
    operator: Operator,
    filter: Type.Object(
      {
        cause: Type.Optional(Type.Enum([...REVIEW_CAUSES])),
        network: Type.Optional(Type.Enum([...NETWORKS])),
        created_gte: Type.Optional(Type.String({ format: 'date-time' })),
        created_lt: Type.Optional(Type.String({ format: 'date-time' })),
        payment_ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 1000 })),
      },
      { additionalProperties: false },
    ),
    dry_run: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type BulkDecisionBody = Static<typeof BulkDecisionBody>;

export const ResolutionBody = Type.Object(
  {
    resolution: Type.Enum(['refunded', 'delivered', 'no_money_moved', 'duplicate', 'other'], {
      description: 'What was done about it: refunded the customer out of band, delivered the goods anyway, confirmed no money moved...',
    }),
    note: Reason,
    operator: Operator,
  },
  { additionalProperties: false },
);
export type ResolutionBody = Static<typeof ResolutionBody>;
