/** The prose of the API description: what a client team needs beyond the routes' schemas. */
import { errorCatalogueMarkdown } from '../schemas/errors.ts';

export const API_INTRODUCTION = `Collect mobile-money payments through FeexPay (Benin, Togo, Côte d'Ivoire, Senegal, ...).

## Authentication
Every request carries the merchant's API key: \`Authorization: Bearer fgw_...\` (the scheme name is case-insensitive).

## Payment lifecycle
\`\`\`
pending -> successful | failed | expired | needs_review
needs_review -> successful | failed
\`\`\`
| status | what it means | what you do |
| --- | --- | --- |
| \`pending\` | the customer has been asked to pay | wait: poll \`GET /v1/payments/{id}\` or receive events |
| \`successful\` | FeexPay confirmed the money was collected | ship |
| \`failed\` | FeexPay refused, or the customer declined (\`failure_reason\`) | ask again with a new \`Idempotency-Key\` if you like |
| \`expired\` | FeexPay still said pending at the deadline | nothing was collected; ask again if you like |
| \`needs_review\` | the outcome could not be established | **do not ship and do not retry**: an operator is on it; it becomes \`successful\` or \`failed\` |

A status only moves forward; \`successful\`, \`failed\` and \`expired\` are final.

## Idempotency
\`POST\` requests require an \`Idempotency-Key\` header (1 to 255 printable ASCII characters), one per
operation you intend. The same key with the same body answers what the first request answered
(with \`Idempotent-Replayed: true\`) and never asks the customer twice; the same key with another
body is 422 \`idempotency_key_reused\`; a retry while the first request is still with FeexPay is 409
\`idempotency_request_in_progress\` with \`Retry-After\`. Keys are kept 24 hours.

## Timeouts and retries
Creating a payment waits for FeexPay, which can take up to \`FEEXPAY_REQUEST_TIMEOUT_MS\` (30 seconds by
default) when FeexPay is slow: give the request at least 35 seconds. If your client gives up or the
connection drops, **retry with the same \`Idempotency-Key\`**: you get the first request's answer
(409 with \`Retry-After\` while it is still in progress), never a second charge. A payment FeexPay did
not answer for is \`pending\` and settles later. 5xx answers may be retried the same way.

## Pagination
Lists are newest first. \`limit\` is 1 to 100 (default 20). When \`next_cursor\` is not null, pass it as
\`cursor\` (with the same filters) for the next page; null means this is the last page.

## Rate limits
Per API key per minute, and per destination phone number per hour on payment creation (each payment
prompts a real person's phone). Answers carry \`x-ratelimit-limit\`, \`x-ratelimit-remaining\` and
\`x-ratelimit-reset\` (seconds until the window resets); a 429 carries \`Retry-After\`.

## Request ids
Every answer has a \`Request-Id\` header, and every error body its \`request_id\`: quote it to support.

## Errors
Every error is \`{ "error": { "code", "message", "param"?, "errors"?, "request_id" } }\`. Key your
handling on \`code\`; \`param\` names the field at fault; a validation error lists every invalid field in
\`errors\`. Each route lists the codes it can answer. The catalogue:

${errorCatalogueMarkdown()}
`;
