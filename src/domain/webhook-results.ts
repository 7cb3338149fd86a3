/**
 * What the service made of a FeexPay webhook delivery. Bounded: it is a metric label.
 * - processed: FeexPay's status endpoint confirmed a final state, which was applied.
 * - duplicate: nothing new (the payment already stands where FeexPay says).
 * - unconfirmed: FeexPay's status endpoint did not confirm the claim (still pending, unknown to
 *   it, or not answering): nothing changed; the reconciler asks again.
 * - pairing_mismatch: FeexPay's status for the reference does not fit the payment the webhook
 *   named in callback_info: nothing changed.
 * - review: FeexPay confirmed something that does not fit what the service recorded: a review item.
 * - unknown_reference: no payment of ours is named.
 * - rejected: wrong token or malformed body (anyone on the internet can produce these).
 * - error: the service failed while handling it (answered 5xx, FeexPay retries).
 */
export const WEBHOOK_RESULTS = ['processed', 'duplicate', 'unconfirmed', 'pairing_mismatch', 'review', 'unknown_reference', 'rejected', 'error'] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];
