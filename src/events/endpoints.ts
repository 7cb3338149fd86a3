/**
 * SQL for webhook endpoints. Deleting keeps the row (its attempts stay readable) and cancels
 * what was still to be delivered to it. Creating locks the merchant's row so two concurrent
 * creates cannot both pass the per-merchant limit.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { newSecret } from './signing.ts';

export interface EndpointRow {
  id: string;
  merchant_id: string;
  livemode: boolean;
  url: string;
  description: string | null;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  last_success_at: Date | null;
  disabled_at: Date | null;
  created_at: Date;
  deleted_at: Date | null;
}

export interface NewEndpoint {
  url: string;
  enabledEvents: string[];
  description: string | null;
}

export class EndpointLimitReached extends Error {}

/** A merchant in one mode: a test key's endpoints are not a live key's (as Stripe separates them). */
export interface MerchantScope {
  id: string;
  livemode: boolean;
}

const live = (db: Knex, scope: MerchantScope) => db<EndpointRow>('webhook_endpoints').where({ merchant_id: scope.id, livemode: scope.livemode }).whereNull('deleted_at');

export function createEndpointRepository(db: Knex) {
  return {
    /** The new row and the secret as shown once to the merchant. */
    async create(scope: MerchantScope, e: NewEndpoint, max: number): Promise<{ row: EndpointRow; secret: string }> {
      return db.transaction(async (trx) => {
        await trx('merchants').where({ id: scope.id }).forUpdate().first('id');
        const [counted] = await live(trx, scope).count<{ count: number }[]>('* as count');
        if (Number(counted?.count ?? 0) >= max) throw new EndpointLimitReached();
        const secret = newSecret();
        const [row] = await trx<EndpointRow>('webhook_endpoints')
          .insert({
            id: randomUUID(),
            merchant_id: scope.id,
            livemode: scope.livemode,
            url: e.url,
            description: e.description,
            enabled_events: e.enabledEvents,
            secret: secret.stored,
          })
          .returning('*');
        return { row: row as EndpointRow, secret: secret.shown };
      });
    },

    async list(scope: MerchantScope): Promise<EndpointRow[]> {
      return live(db, scope).orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    },

    async find(scope: MerchantScope, id: string): Promise<EndpointRow | undefined> {
      return live(db, scope).andWhere({ id }).first();
    },

    async remove(scope: MerchantScope, id: string): Promise<EndpointRow | undefined> {
      return db.transaction(async (trx) => {
        const [row] = await live(trx, scope).andWhere({ id }).update({ deleted_at: trx.fn.now() }).returning('*');
        if (row) await cancelPending(trx, [id], 'cancelled');
        return row as EndpointRow | undefined;
      });
    },

    /** A new secret; the current one keeps signing beside it for `overlapSeconds`. */
    async rotate(scope: MerchantScope, id: string, overlapSeconds: number): Promise<{ row: EndpointRow; secret: string } | undefined> {
      const secret = newSecret();
      const [row] = await live(db, scope)
        .andWhere({ id })
        .update({
          previous_secret: db.ref('secret'),
          previous_secret_expires_at: db.raw(`now() + (? * interval '1 second')`, [overlapSeconds]),
          secret: secret.stored,
        })
        .returning('*');
      return row ? { row: row as EndpointRow, secret: secret.shown } : undefined;
    },
  };
}

/** What was still to be delivered to these endpoints will not be. */
export async function cancelPending(trx: Knex | Knex.Transaction, endpointIds: string[], status: 'cancelled' | 'failed'): Promise<void> {
  await trx('event_deliveries').whereIn('endpoint_id', endpointIds).andWhere({ status: 'pending' }).update({ status, finished_at: trx.fn.now() });
}

export type EndpointRepository = ReturnType<typeof createEndpointRepository>;
