/**
 * POST /v1/payouts, the part that moves money out: claim the idempotency key with the payout row
 * and its share of the day's cap, ask FeexPay to transfer, record its answer, and store the
 * response for replays. Unlike a collection, a payout whose answer is lost (timeout, 5xx, garbage,
 * no reference) cannot be looked up later: FeexPay's status needs the reference. So it goes to
 * review at once; it is never marked failed, since the money may have left.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { PayoutClient } from '../feexpay/payout-client.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { answerTakenKey, requestHash, type TakenOutcome } from '../payments/idempotency.ts';
import type { CreatePayoutBody, PayoutViewType } from '../schemas/payout.ts';
import { presentPayout } from './present.ts';
import type { PayoutRepository, PayoutRow } from './repository.ts';
import type { PayoutSettler } from './settle.ts';

export type CreatePayoutOutcome = { kind: 'created'; payout: PayoutViewType } | TakenOutcome<PayoutViewType> | { kind: 'cap_exceeded'; cap: number; used: number };

export interface CreatePayoutDeps {
  payouts: PayoutRepository;
  settler: PayoutSettler;
  /** FeexPay for a live payout, the built-in simulator for a test one. */
  feexpay: (livemode: boolean) => PayoutClient;
  metrics: ServiceMetrics;
  dailyCap: Record<'XOF' | 'XAF', number>;
  timing: { firstCheckAfterMs: number; staleInFlightMs: number };
}

export function createPayoutCreator(deps: CreatePayoutDeps) {
  /** Asks FeexPay to send the money and records what it answered. */
  async function transfer(p: PayoutRow, log: FastifyBaseLogger): Promise<void> {
    const result = await deps.feexpay(p.livemode).transfer({
      network: p.network,
      phoneNumber: p.phone_number,
      amount: Number(p.amount),
      motif: p.motif,
      callbackInfo: p.id,
    });
    log.info(
      {
        event: 'feexpay.payout_answered',
        payout_id: p.id,
        network: p.network,
        result: result.kind,
        feexpay_reference: result.kind === 'accepted' ? result.reference : undefined,
        cause: result.kind === 'unknown' ? result.cause : undefined,
        duration_ms: Math.round(result.durationMs),
      },
      'FeexPay answered the payout',
    );
    if (result.kind === 'rejected') {
      await deps.settler.refused(p, result.reason);
      return;
    }
    if (result.kind === 'unknown') {
      await deps.settler.review(p, 'no_reference', 'api', { answer: { cause: result.cause, http_status: result.httpStatus ?? null } });
      return;
    }
    const attached = await deps.payouts.attachReference(p.id, result.reference);
    if (attached === 'conflict' || attached === undefined) {
      // FeexPay gave this payout a reference another payout holds: for a person.
      await deps.settler.review(p, 'contradictory_answers', 'api', { reference: result.reference });
      return;
    }
    await deps.settler.applyAnswer(attached, result.status, result.reason);
  }

  return async function createPayout(
    merchant: { id: string; livemode: boolean },
    idempotencyKey: string,
    input: CreatePayoutBody,
    log: FastifyBaseLogger,
  ): Promise<CreatePayoutOutcome> {
    const now = Date.now();
    const merchantId = merchant.id;
    // Payments and payouts share the key space: the same body under the other endpoint is another request.
    const hash = requestHash({ payout: input });
    const claim = await deps.payouts.claimKeyInsertAndCount(
      idempotencyKey,
      hash,
      {
        id: randomUUID(),
        merchant_id: merchantId,
        livemode: merchant.livemode,
        amount: input.amount,
        currency: input.currency,
        network: input.network,
        phone_number: input.phone_number,
        motif: input.motif,
        metadata: input.metadata ?? {},
        next_check_at: new Date(now + deps.timing.firstCheckAfterMs),
      },
      deps.dailyCap[input.currency],
    );
    if (claim.kind === 'cap_exceeded') {
      if (merchant.livemode) deps.metrics.payoutCapHits.inc({ currency: input.currency });
      log.warn({ event: 'payout.cap_exceeded', amount: input.amount, currency: input.currency, cap: claim.cap, used: claim.used }, 'payout refused: daily cap');
      return claim;
    }
    if (claim.kind === 'taken') {
      return answerTakenKey<PayoutViewType>(claim, hash, claim.payoutId, {
        now,
        staleInFlightMs: deps.timing.staleInFlightMs,
        current: async (id) => {
          const row = await deps.payouts.findById(id);
          return row && presentPayout(row);
        },
        complete: (status, body) => deps.payouts.completeKey(merchantId, merchant.livemode, idempotencyKey, status, body),
      });
    }

    const payout = claim.payout;
    if (payout.livemode) deps.metrics.payoutsRequested.inc({ network: payout.network });
    log.info(
      { event: 'payout.initiated', payout_id: payout.id, livemode: payout.livemode, amount: input.amount, currency: input.currency, network: input.network },
      'payout initiated',
    );
    await transfer(payout, log);
    const current = (await deps.payouts.findById(payout.id)) ?? payout;
    const body = presentPayout(current);
    await deps.payouts.completeKey(merchantId, merchant.livemode, idempotencyKey, 201, body);
    return { kind: 'created', payout: body };
  };
}

export type PayoutCreator = ReturnType<typeof createPayoutCreator>;
