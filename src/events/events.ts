/**
 * SQL for the merchant's view of events: the list (newest first, keyset on the last event
 * seen), one event with its deliveries and their attempts, and redelivery.
 */
import type { Knex } from 'knex';
import type { MerchantScope } from './endpoints.ts';
import type { AttemptOutcome } from './http-attempt.ts';

export interface EventRow {
  id: string;
  merchant_id: string;
  livemode: boolean;
  type: string;
  payment_id: string | null;
  snapshot: Record<string, unknown>;
  created_at: Date;
}

export interface DeliveryRow {
  id: number;
  event_id: string;
  endpoint_id: string;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  next_attempt_at: Date;
  finished_at: Date | null;
}

export interface AttemptRow {
  delivery_id: number;
  attempt: number;
  outcome: AttemptOutcome;
  response_status: number | null;
  response_body: string | null;
  duration_ms: number;
  started_at: Date;
}

export interface EventListFilter {
  merchantId: string;
  livemode: boolean;
  type?: string;
  /** The id of the last event of the previous page. */
  after?: string;
  limit: number;
}

export function createEventRepository(db: Knex) {
  return {
    async list(f: EventListFilter): Promise<EventRow[]> {
      const q = db<EventRow>('events').where({ merchant_id: f.merchantId, livemode: f.livemode });
      if (f.type) q.andWhere('type', f.type);
      if (f.after) {
        q.andWhereRaw('(created_at, id) < (SELECT created_at, id FROM events WHERE id = ? AND merchant_id = ?)', [f.after, f.merchantId]);
      }
      return q
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(f.limit);
    },

    async find(scope: MerchantScope, id: string): Promise<EventRow | undefined> {
      return db<EventRow>('events').where({ id, merchant_id: scope.id, livemode: scope.livemode }).first();
    },

    async deliveries(eventId: string): Promise<{ deliveries: DeliveryRow[]; attempts: AttemptRow[] }> {
      const deliveries = await db<DeliveryRow>('event_deliveries').where({ event_id: eventId }).orderBy('id');
      const attempts = deliveries.length
        ? await db<AttemptRow>('event_delivery_attempts')
            .whereIn(
              'delivery_id',
              deliveries.map((d) => d.id),
            )
            .orderBy([{ column: 'delivery_id' }, { column: 'attempt' }])
        : [];
      return { deliveries, attempts };
    },

    /**
     * Sends the event again, now, to every enabled endpoint that subscribes to it (including
     * endpoints created since), with a fresh retry schedule. Returns how many were scheduled.
     */
    async redeliver(event: EventRow): Promise<number> {
      const { rows } = await db.raw(
        `INSERT INTO event_deliveries (event_id, endpoint_id)
         SELECT ?, e.id FROM webhook_endpoints e
         WHERE e.merchant_id = ? AND e.livemode = ? AND e.status = 'enabled' AND e.deleted_at IS NULL
           AND e.enabled_events && ARRAY['*', ?]
         ON CONFLICT (event_id, endpoint_id) DO UPDATE
           SET status = 'pending', schedule_step = 0, next_attempt_at = now(), finished_at = NULL
         RETURNING id`,
        [event.id, event.merchant_id, event.livemode, event.type],
      );
      return rows.length;
    },
  };
}

export type EventRepository = ReturnType<typeof createEventRepository>;
