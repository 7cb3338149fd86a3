/** Route schemas of the payment API (TypeBox): validation, serialization and the OpenAPI document. */
import Type, { type Static } from 'typebox';
import { NETWORKS, CURRENCIES, AMOUNT_LIMITS, DESCRIPTION_PATTERN, CARD_BRANDS, PAYMENT_NETWORKS } from '../domain/networks.ts';
import { PAYMENT_STATUSES } from '../domain/payment-status.ts';
import { NextAction, ReturnUrl } from './collection.ts';

// The error shape lives with the error catalogue; re-exported for the routes that import it here.
export { ErrorBody } from './errors.ts';

/**
 * Text PostgreSQL can store: no NUL (text and jsonb refuse it) and no unpaired UTF-16 surrogate
 * (not Unicode; jsonb refuses it). Refused here, as a 400 naming the field, not by the database.
 * \p{Cs} matches a lone surrogate only: Ajv compiles patterns with the u flag.
 */
export const STORABLE_TEXT = '^[^\\u0000\\p{Cs}]*$';

/** The merchant's own key-value pairs on a payment or payout: stored in a jsonb column, so no NUL or lone surrogate. */
export const MetadataInput = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$' }), Type.String({ maxLength: 500, pattern: STORABLE_TEXT }), {
  maxProperties: 20,
  additionalProperties: false,
});

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f<>\\p{Cs}]+$' });

export const CreatePaymentBody = Type.Object(
  {
    amount: Type.Integer({ minimum: AMOUNT_LIMITS.min, maximum: AMOUNT_LIMITS.max, description: 'Whole currency units.' }),
    currency: Type.Enum([...CURRENCIES]),
    network: Type.Optional(Type.Enum([...NETWORKS], { description: 'FeexPay operator code (required unless method is card).' })),
    method: Type.Optional(Type.Enum(['mobile_money', 'card'], { description: 'mobile_money (default) or card.' })),
    card_brand: Type.Optional(Type.Enum([...CARD_BRANDS], { description: 'Required with method card.' })),
    phone_number: Type.String({ pattern: '^[0-9]{8,15}$', description: 'Digits with country code, no +.' }),
    description: Type.Optional(Type.String({ pattern: DESCRIPTION_PATTERN.source, description: 'Letters, digits and spaces.' })),
    customer: Type.Optional(
      Type.Object(
        {
          first_name: Type.Optional(Name),
          last_name: Type.Optional(Name),
          email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
        },
        { additionalProperties: false },
      ),
    ),
    metadata: Type.Optional(MetadataInput),
    otp: Type.Optional(Type.String({ pattern: '^[0-9]{4,8}$', description: 'orange_sn only, and required there: the code the customer got from #144#391#.' })),
    return_url: Type.Optional(ReturnUrl),
    cancel_url: Type.Optional(ReturnUrl),
  },
  {
    additionalProperties: false,
    examples: [
      {
        amount: 1500,
        currency: 'XOF',
        network: 'mtn',
        phone_number: '2290167000000',
        description: 'Order 42',
        customer: { first_name: 'Afi', last_name: 'Dossou', email: 'afi@example.org' },
        metadata: { order_id: '42' },
      },
    ],
  },
);
export type CreatePaymentBody = Static<typeof CreatePaymentBody>;

/** What a merchant should do with each status; shown in the API description. */
export const PAYMENT_STATUS_HELP = [
  'pending: the customer has been asked to pay; wait (events or polling).',
  'successful: FeexPay confirmed the money was collected; ship.',
  'failed: FeexPay refused or the customer declined (see failure_reason); you may ask again with a new Idempotency-Key.',
  'expired: FeexPay still said pending at the deadline; nothing was collected; you may ask again.',
  'needs_review: the outcome could not be established (FeexPay unreachable, or its answers did not fit the payment); do not ship and do not retry: an operator is on it and the payment will become successful or failed.',
].join(' ');

export const PAYMENT_EXAMPLE = {
  id: '0b6f3c52-3f1e-4d8a-9a4e-6c1d2b7e5f10',
  object: 'payment',
  livemode: true,
  status: 'pending',
  amount: 1500,
  currency: 'XOF',
  network: 'mtn',
  method: 'mobile_money',
  card_brand: null,
  phone_last4: '0000',
  description: 'Order 42',
  metadata: { order_id: '42' },
  feexpay_reference: '7d0c5a4e-1b2f-4c3d-8e9f-0a1b2c3d4e5f',
  payment_url: null,
  failure_reason: null,
  next_action: null,
  created_at: '2026-12-01T10:00:00.000Z',
  updated_at: '2026-12-01T10:00:00.000Z',
  settled_at: null,
};

export const PaymentView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    object: Type.Literal('payment'),
    status: Type.Enum([...PAYMENT_STATUSES], { description: PAYMENT_STATUS_HELP }),
    amount: Type.Integer(),
    currency: Type.String(),
    network: Type.String(),
    method: Type.Enum(['mobile_money', 'card']),
    card_brand: Type.Union([Type.Enum([...CARD_BRANDS]), Type.Null()]),
    phone_last4: Type.String(),
    livemode: Type.Boolean({ description: "false for a test key's payment: made on the built-in simulator, no money moved." }),
    description: Type.Union([Type.String(), Type.Null()]),
    metadata: Type.Record(Type.String(), Type.String()),
    feexpay_reference: Type.Union([Type.String(), Type.Null()]),
    payment_url: Type.Union([Type.String(), Type.Null()]),
    failure_reason: Type.Union([Type.String(), Type.Null()]),
    next_action: Type.Union([NextAction, Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    settled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { examples: [PAYMENT_EXAMPLE] },
);

export type PaymentViewType = Static<typeof PaymentView>;

/**
 * The payment as a shared schema (`app.addSchema`), so the document names it `Payment` in
 * components.schemas and generated clients have the type; responses point to it with PaymentRef.
 */
export const PaymentSchema = { ...PaymentView, $id: 'Payment', title: 'Payment' };
export const PaymentRef = Type.Unsafe<PaymentViewType>({ $ref: 'Payment#' });

export const PaymentParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'The payment id.', examples: [PAYMENT_EXAMPLE.id] }) }, { additionalProperties: false });

export const ListPaymentsQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...PAYMENT_STATUSES], { description: 'Only payments in this status.', examples: ['successful'] })),
    network: Type.Optional(Type.Enum([...PAYMENT_NETWORKS], { description: 'Only payments on this network.', examples: ['mtn'] })),
    created_gte: Type.Optional(Type.String({ format: 'date-time', description: 'Created at or after.', examples: ['2026-12-01T00:00:00Z'] })),
    created_lt: Type.Optional(Type.String({ format: 'date-time', description: 'Created before.', examples: ['2026-12-02T00:00:00Z'] })),
    // An integer: query strings are coerced (src/validation/validator-compiler.ts), bodies never.
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size, 1 to 100.', examples: [20] })),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: '`next_cursor` of the previous page.' })),
  },
  { additionalProperties: false },
);
export type ListPaymentsQuery = Static<typeof ListPaymentsQuery>;

export const PaymentList = Type.Object(
  {
    object: Type.Literal('list'),
    data: Type.Array(PaymentRef),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
  },
  { examples: [{ object: 'list', data: [PAYMENT_EXAMPLE], next_cursor: null }] },
);

/** Required: a POST without it is refused (400 idempotency_key_required). */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    pattern: '^[\\x21-\\x7e]{1,255}$',
    description: 'One key per intended operation (1 to 255 printable ASCII characters): a retry with the same key and body gets the first answer.',
    examples: ['order-42-attempt-1'],
  }),
});

/** What FeexPay posts. Only these fields are read; the rest (names, phone) is accepted and dropped. */
export const FeexPayWebhookBody = Type.Object({
  reference: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9-]+$' }),
  // FeexPay sometimes leaves these out or sends null: neither is a reason to refuse the delivery.
  status: Type.Optional(Type.Union([Type.String({ maxLength: 40, pattern: STORABLE_TEXT }), Type.Null()])),
  callback_info: Type.Optional(Type.Union([Type.String({ maxLength: 200, pattern: STORABLE_TEXT }), Type.Null()])),
  amount: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
});
export type FeexPayWebhookBody = Static<typeof FeexPayWebhookBody>;
