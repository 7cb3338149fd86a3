/**
 * The error catalogue: every `code` the merchant API answers, with its HTTP status and what a
 * client does about it. Routes declare their error answers from this table (errorResponses), so
 * the OpenAPI document lists exactly these codes, with these statuses, on the routes that use them.
 */
import Type, { type TSchema } from 'typebox';

interface CatalogueEntry {
  status: number;
  meaning: string;
  /** Answered by the operators' API only, not listed in the merchant API's document. */
  operators?: true;
}

export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, meaning: 'A field is missing, unknown or invalid; `param` names the first, `errors` lists every one. Fix the request.' },
  invalid_json: {
    status: 400,
    meaning: 'The body is not JSON, is empty, is not valid UTF-8, or gives a key twice (`param` names it). Send `Content-Type: application/json` with a JSON object.',
  },
  bad_request: { status: 400, meaning: 'The request cannot be read (e.g. a bad Content-Length). Fix the request.' },
  bad_url: { status: 400, meaning: 'The URL path is not valid percent-encoding.' },
  idempotency_key_required: { status: 400, meaning: 'The `Idempotency-Key` header is missing or not 1 to 255 printable ASCII characters. Send one key per intended operation.' },
  invalid_phone_number: { status: 400, meaning: "`phone_number` is not a number of the network's country (country code, then digits, no +)." },
  currency_mismatch: { status: 400, meaning: "`currency` is not the currency of the network (XOF for Benin, Togo, Côte d'Ivoire, Senegal...)." },
  amount_out_of_range: { status: 400, meaning: '`amount` is outside what the network accepts for one operation.' },
  network_required: { status: 400, meaning: '`network` is required (or `method: "card"` with `card_brand`).' },
  card_brand_required: { status: 400, meaning: '`card_brand` (VISA or MASTERCARD) is required with `method: "card"`.' },
  otp_required: { status: 400, meaning: "This network needs the customer's code in `otp` on creation (orange_sn: the customer dials #144#391#)." },
  field_not_accepted: {
    status: 400,
    meaning: 'A field this flow does not take (e.g. `otp` on a network that asks for it later, `return_url` on a USSD network); `param` names it.',
  },
  invalid_cursor: { status: 400, meaning: '`cursor` is not a `next_cursor` this API returned. Start again from the first page.' },
  invalid_filter: { status: 400, meaning: 'The filters contradict each other (e.g. `created_gte` after `created_lt`).' },
  invalid_date: { status: 400, meaning: 'A date is outside the years 1 to 9999 or is a leap second.' },
  invalid_url: { status: 400, meaning: 'The endpoint URL is not an https URL reaching a public address.' },
  too_many_endpoints: { status: 400, meaning: 'The merchant already has the most webhook endpoints allowed; delete one first.' },
  invalid_network_setting: { operators: true, status: 400, meaning: 'The network setting is not valid.' },
  period_too_long: { operators: true, status: 400, meaning: 'The dashboard period (`from` to `to`) is over 92 days; `param` is `query.from`.' },
  unauthorized: { status: 401, meaning: 'The `Authorization: Bearer fgw_...` header is missing, malformed, unknown or disabled.' },
  insufficient_scope: { status: 403, meaning: 'The API key is valid but not allowed this operation (e.g. payouts); ask for a key with that scope.' },
  not_found: { status: 404, meaning: 'No such route.' },
  payment_not_found: { status: 404, meaning: "No payment with this id for this merchant (another merchant's payment is not found either)." },
  payout_cap_exceeded: { status: 422, meaning: "The payout would take the merchant's payouts of the UTC day past its daily cap." },
  payout_not_found: { status: 404, meaning: 'No payout with this id for this merchant.' },
  event_not_found: { status: 404, meaning: 'No event with this id for this merchant.' },
  webhook_endpoint_not_found: { status: 404, meaning: 'No webhook endpoint with this id for this merchant.' },
  merchant_not_found: { operators: true, status: 404, meaning: 'No such merchant.' },
  network_not_found: { operators: true, status: 404, meaning: 'No such network.' },
  method_not_allowed: { status: 405, meaning: 'The route exists but not with this method; the `Allow` header lists the methods it has.' },
  payload_too_large: { status: 413, meaning: 'The body is over 64 KiB.' },
  uri_too_long: { status: 414, meaning: 'A path segment of the URL is too long.' },
  unsupported_media_type: { status: 415, meaning: 'The body is not `application/json`, or declares a charset other than UTF-8 for text that would read differently.' },
  idempotency_request_in_progress: {
    status: 409,
    meaning:
      'A request with this `Idempotency-Key` is still being processed (FeexPay has not answered it yet). Retry with the same key after `Retry-After` seconds; you will get its answer.',
  },
  payment_not_awaiting_otp: { status: 409, meaning: 'The payment is not waiting for a code (its `next_action` is not otp_required); read it to see its status.' },
  no_endpoint: { status: 409, meaning: 'There is no enabled webhook endpoint to send this to.' },
  payout_not_in_review: { status: 409, meaning: 'The payout is not under review.' },
  idempotency_key_reused: {
    status: 422,
    meaning: 'This `Idempotency-Key` was used with a different body. Use a new key for a new operation; reuse a key only to retry the same request.',
  },
  rate_limited: { status: 429, meaning: 'Too many requests for this API key, or for this phone number on payment creation. Wait `Retry-After` seconds.' },
  internal_error: { status: 500, meaning: 'Unexpected; it has been reported. A POST may be retried with the same `Idempotency-Key`.' },
  service_unavailable: { status: 503, meaning: 'The database is unavailable. Retry after `Retry-After` seconds (a POST with the same `Idempotency-Key`).' },
  overloaded: {
    status: 503,
    meaning:
      'The service is overloaded and refused the request before doing anything with it. Retry after `Retry-After` seconds (a POST with the same `Idempotency-Key`), with backoff.',
  },
  network_unavailable: { status: 503, meaning: 'The network is in maintenance: no payment was created. Retry after `Retry-After` seconds, or offer another network.' },
  fee_preview_unavailable: { status: 503, meaning: 'FeexPay did not give the fees in time; retry.' },
  request_timeout: { status: 408, meaning: 'The request was not received in time; send it again.' },
  headers_too_large: { status: 431, meaning: 'The request headers are too large.' },
  // Operators' review API (/admin/api), not the merchant API.
  payment_not_in_review: { operators: true, status: 409, meaning: 'The payment is not waiting for review.' },
  payment_has_reference: { operators: true, status: 409, meaning: 'The payment already holds a FeexPay reference: decide it instead.' },
  reference_taken: { operators: true, status: 409, meaning: 'Another payment already holds this FeexPay reference.' },
  feexpay_unknown_reference: { operators: true, status: 409, meaning: 'FeexPay does not know this reference.' },
  reference_does_not_pair: { operators: true, status: 409, meaning: "FeexPay's answer for this reference does not match the payment." },
  feexpay_still_pending: { operators: true, status: 409, meaning: 'FeexPay still says pending for this reference.' },
  feexpay_unavailable: { operators: true, status: 503, meaning: 'FeexPay did not answer usably; nothing changed, try again.' },
  review_item_not_found: { operators: true, status: 404, meaning: 'No such review item.' },
  review_item_resolved: { operators: true, status: 409, meaning: 'The review item is already resolved.' },
  payment_in_review: { operators: true, status: 409, meaning: 'This item closes with its payment: decide the payment or attach its reference.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Codes any authenticated merchant route can answer, whatever it does. */
export const COMMON_ERRORS = ['unauthorized', 'rate_limited', 'internal_error', 'service_unavailable', 'overloaded'] as const satisfies readonly ErrorCode[];

const FieldError = Type.Object({
  param: Type.String({ description: 'The field, as `body.amount`, `query.limit` or `header.idempotency-key`.' }),
  message: Type.String(),
});

function errorBody(codes: readonly ErrorCode[], description: string) {
  return Type.Object(
    {
      error: Type.Object({
        code: Type.Enum([...codes], { description: 'Machine-readable: key your handling on this.' }),
        message: Type.String({ description: 'For a person; may change.' }),
        param: Type.Optional(Type.String({ description: 'The field at fault, when there is one (`body.amount`, `query.limit`, `header.idempotency-key`).' })),
        errors: Type.Optional(Type.Array(FieldError, { description: 'Every invalid field (validation_failed), at most 20.' })),
        request_id: Type.Optional(Type.String({ description: 'The `Request-Id` header of this answer; quote it to support.' })),
      }),
    },
    { description, examples: [{ error: { code: codes[0], message: exampleMessage(codes[0]!), request_id: '6f1c1e0e-9c5a-4c53-b1d4-2f0f9a1d8e77' } }] },
  );
}

function exampleMessage(code: ErrorCode): string {
  return ERROR_CATALOGUE[code].meaning.split('. ')[0]!.replace(/\.$/, '') + '.';
}

/** The shape shared by every error (one-code bodies are built from it in errorResponses). */
export const ErrorBody = errorBody(Object.keys(ERROR_CATALOGUE) as ErrorCode[], 'Every error: a machine-readable code and a message for a person.');

const RETRY_AFTER = { type: 'integer', description: 'Seconds to wait before retrying.' } as const;

/**
 * The error answers of one route: for each status among `codes` (plus COMMON_ERRORS when
 * `authenticated`), a body whose `code` is one of that status's codes, described code by code.
 */
export function errorResponses(codes: readonly ErrorCode[], opts: { authenticated?: boolean } = {}): Record<number, TSchema> {
  const all = [...new Set([...codes, ...(opts.authenticated === false ? [] : COMMON_ERRORS)])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of all) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<number, TSchema> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const description = list.map((c) => `\`${c}\`: ${ERROR_CATALOGUE[c].meaning}`).join('\n\n');
    const schema = errorBody(list, description);
    const headers = status === 429 || status === 503 || list.includes('idempotency_request_in_progress') ? { 'retry-after': RETRY_AFTER } : undefined;
    const allow = status === 405 ? { allow: { type: 'string', description: 'The methods this route has.' } } : undefined;
    out[status] = headers || allow ? Object.assign(schema, { headers: { ...headers, ...allow } }) : schema;
  }
  return out;
}

/** The catalogue as a Markdown table, for the document's introduction. */
export function errorCatalogueMarkdown(): string {
  const merchantCodes = Object.entries(ERROR_CATALOGUE as Record<string, CatalogueEntry>).filter(([, e]) => !e.operators);
  const rows = merchantCodes.map(([code, { status, meaning }]) => `| \`${code}\` | ${status} | ${meaning} |`);
  return ['| code | HTTP status | meaning and what to do |', '| --- | --- | --- |', ...rows].join('\n');
}
