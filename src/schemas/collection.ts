/** Schemas of the collection flows: the customer's next step, the OTP step, fees, operator settings. */
import Type, { type Static } from 'typebox';
import { AMOUNT_LIMITS, NETWORKS } from '../domain/networks.ts';

export const NextAction = Type.Union([Type.Object({ type: Type.Literal('otp_required') }), Type.Object({ type: Type.Literal('redirect_to_url'), url: Type.String() })], {
  description: 'What the customer must do before the payment can move: send the code FeexPay texted, or visit the page.',
});
export type NextAction = Static<typeof NextAction>;

/** Where a redirect network's page (or the card page) sends the customer back: https only. */
export const ReturnUrl = Type.String({ pattern: '^https://[^\\s]+$', maxLength: 2000, description: 'https URL.' });

export const OtpBody = Type.Object(
  { otp: Type.String({ pattern: '^[0-9]{4,8}$', description: 'The code FeexPay texted the customer (4 to 8 digits).' }) },
  { additionalProperties: false, examples: [{ otp: '123456' }] },
);
export type OtpBody = Static<typeof OtpBody>;

export const FeesQuery = Type.Object(
  {
    network: Type.Enum([...NETWORKS], { description: 'The operator.', examples: ['mtn'] }),
    // An integer (query strings are coerced); the route checks the range (amount_out_of_range).
    amount: Type.Integer({ minimum: 1, maximum: 999_999_999, description: `Whole units, ${AMOUNT_LIMITS.min} to ${AMOUNT_LIMITS.max}.`, examples: [1500] }),
  },
  { additionalProperties: false },
);
export type FeesQuery = Static<typeof FeesQuery>;

export const FeesView = Type.Object(
  {
    object: Type.Literal('fee_preview'),
    network: Type.String(),
    amount: Type.Integer(),
    fees: Type.Integer(),
    total: Type.Integer(),
    customer_pays_fees: Type.Boolean(),
  },
  { examples: [{ object: 'fee_preview', network: 'mtn', amount: 1500, fees: 26, total: 1526, customer_pays_fees: true }] },
);

export const NetworkSettingView = Type.Object({
  network: Type.String(),
  enabled: Type.Boolean(),
  min_amount: Type.Integer(),
  max_amount: Type.Integer(),
  overridden: Type.Boolean(),
});
export type NetworkSettingView = Static<typeof NetworkSettingView>;
