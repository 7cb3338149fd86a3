/**
 * The delivery queue in SQL. A claim locks due deliveries with FOR UPDATE SKIP LOCKED and leases
 * the chosen ones (next_attempt_at pushed past the attempt's deadline), so replicas share the
 * queue and none makes the same attempt twice; the transaction is short and never spans HTTP.
 * Outcomes are recorded in batches: the attempt row, the delivery's next step and the endpoint's
 * health in one transaction.
 */
import type { Knex } from 'knex';
import type { AttemptOutcome } from './http-attempt.ts';

export interface ClaimedDelivery {
  delivery_id: number;
  attempt: number;
  schedule_step: number;
  endpoint_id: string;
  merchant_id: string;
  url: string;
  /** Active signing secrets: the current one, and the rotated-out one during its overlap. */
  secrets: string[];
  event_id: string;
  event_type: string;
  event_created_at: Date;
  snapshot: Record<string, unknown>;
}

export interface AttemptRecord {
  delivery: ClaimedDelivery;
  outcome: AttemptOutcome;
  status: number | null;
  detail: string;
  durationMs: number;
  startedAt: Date;
}

/** Claims look at this many due rows per slot asked for, to find other endpoints behind a busy one. */
const CANDIDATES_PER_SLOT = 4;

export function createDeliveryQueue(db: Knex, retryScheduleSeconds: readonly number[]) {
  return {
    /**
     * Up to `limit` due deliveries, at most `room(endpoint)` per endpoint. Endpoints in `skip`
     * (already at their limit here) are not even looked at, so their backlog hides no one else.
     */
    async claim(limit: number, leaseMs: number, skip: string[], room: (endpointId: string) => number): Promise<ClaimedDelivery[]> {
      return db.transaction(async (trx) => {
        const { rows: due } = (await trx.raw(
          `SELECT d.id, d.endpoint_id::text AS endpoint_id FROM event_deliveries d
           WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND NOT (d.endpoint_id = ANY(?::uuid[]))
           ORDER BY d.next_attempt_at
           LIMIT ?
           FOR UPDATE SKIP LOCKED`,
          [`{${skip.join(',')}}`, limit * CANDIDATES_PER_SLOT],
        )) as { rows: { id: number; endpoint_id: string }[] };
        const taken = new Map<string, number>();
        const chosen: number[] = [];
        for (const d of due) {
          if (chosen.length >= limit) break;
          const n = taken.get(d.endpoint_id) ?? 0;
          if (n >= room(d.endpoint_id)) continue;
          taken.set(d.endpoint_id, n + 1);
          chosen.push(Number(d.id));
        }
        if (chosen.length === 0) return [];
        const { rows } = (await trx.raw(
          `WITH claimed AS (
             UPDATE event_deliveries SET next_attempt_at = now() + (? * interval '1 millisecond'), attempts = attempts + 1
             WHERE id = ANY(?::bigint[])
             RETURNING id, event_id, endpoint_id, attempts, schedule_step)
           SELECT c.id AS delivery_id, c.attempts AS attempt, c.schedule_step, w.id::text AS endpoint_id,
                  w.merchant_id::text AS merchant_id, w.url, w.secret,
                  CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret,
                  e.id::text AS event_id, e.type AS event_type, e.created_at AS event_created_at, e.snapshot
           FROM claimed c JOIN events e ON e.id = c.event_id JOIN webhook_endpoints w ON w.id = c.endpoint_id`,
          [leaseMs, `{${chosen.join(',')}}`],
        )) as { rows: (Omit<ClaimedDelivery, 'secrets'> & { secret: string; previous_secret: string | null })[] };
        return rows.map(({ secret, previous_secret, ...r }) => ({
          ...r,
          delivery_id: Number(r.delivery_id),
          secrets: previous_secret ? [secret, previous_secret] : [secret],
        }));
      });
    },

    /**
     * Records attempts and moves each delivery on: delivered, retried after the schedule's next
     * wait, or failed after the last. Returns the endpoints this disabled (failing for too long).
     */
    async record(results: AttemptRecord[], disableAfterSeconds: number): Promise<{ id: string; merchant_id: string }[]> {
      const rows = results.map((r) => {
        const last = r.delivery.schedule_step >= retryScheduleSeconds.length;
        const ok = r.outcome === 'succeeded';
        return {
          delivery_id: r.delivery.delivery_id,
          endpoint_id: r.delivery.endpoint_id,
          attempt: r.delivery.attempt,
          outcome: r.outcome,
          response_status: r.status,
          response_body: r.detail.slice(0, 1024),
          duration_ms: r.durationMs,
          started_at: r.startedAt.toISOString(),
          status: ok ? 'delivered' : last ? 'failed' : 'pending',
          wait_s: ok || last ? 0 : retryScheduleSeconds[r.delivery.schedule_step]!,
          ok,
        };
      });
      const json = JSON.stringify(rows);
      const recordset = `jsonb_to_recordset(?::jsonb) AS r(delivery_id bigint, endpoint_id uuid, attempt int, outcome text,
        response_status int, response_body text, duration_ms int, started_at timestamptz, status text, wait_s int, ok boolean)`;
      return db.transaction(async (trx) => {
        await trx.raw(
          `INSERT INTO event_delivery_attempts (delivery_id, attempt, outcome, response_status, response_body, duration_ms, started_at)
           SELECT delivery_id, attempt, outcome, response_status, response_body, duration_ms, started_at FROM ${recordset}
           ON CONFLICT (delivery_id, attempt) DO NOTHING`,
          [json],
        );
        // Only the latest claim of a delivery moves it on (a redelivery may have claimed it again).
        await trx.raw(
          `UPDATE event_deliveries d SET status = r.status, schedule_step = d.schedule_step + 1,
                  next_attempt_at = CASE WHEN r.status = 'pending' THEN now() + r.wait_s * interval '1 second' ELSE d.next_attempt_at END,
                  finished_at = CASE WHEN r.status = 'pending' THEN NULL ELSE now() END
           FROM ${recordset}
           WHERE d.id = r.delivery_id AND d.status = 'pending' AND d.attempts = r.attempt`,
          [json],
        );
        await trx.raw(
          `UPDATE webhook_endpoints w
           SET failing_since = CASE WHEN h.ok THEN NULL ELSE COALESCE(w.failing_since, h.first_failure) END,
               last_success_at = CASE WHEN h.ok THEN now() ELSE w.last_success_at END
           FROM (SELECT endpoint_id, bool_or(ok) AS ok, min(started_at) AS first_failure FROM ${recordset} GROUP BY endpoint_id) h
           WHERE w.id = h.endpoint_id`,
          [json],
        );
        const { rows: disabled } = (await trx.raw(
          `UPDATE webhook_endpoints SET status = 'disabled', disabled_at = now()
           WHERE id = ANY(?::uuid[]) AND status = 'enabled' AND failing_since < now() - (? * interval '1 second')
           RETURNING id::text AS id, merchant_id::text AS merchant_id`,
          [`{${[...new Set(rows.filter((r) => !r.ok).map((r) => r.endpoint_id))].join(',')}}`, disableAfterSeconds],
        )) as { rows: { id: string; merchant_id: string }[] };
        if (disabled.length) {
          await trx('event_deliveries').whereIn('endpoint_id', disabled.map((d) => d.id)).andWhere({ status: 'pending' }).update({ status: 'failed', finished_at: trx.fn.now() });
        }
        return disabled;
      });
    },

    /**
     * Figures for the gauges: endpoints by state, and the oldest event still to deliver to an
     * endpoint that is not failing. An endpoint that is down keeps its events for a day of
     * retries; that is the merchant's to fix, while events waiting for a healthy one are ours.
     */
    async backlog(): Promise<{ oldestPendingSeconds: number; endpoints: Record<'enabled' | 'failing' | 'disabled', number> }> {
      const [oldest, states] = await Promise.all([
        db.raw(
          `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(d.created_at)), 0)::float8 AS s
           FROM event_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
           WHERE d.status = 'pending' AND w.failing_since IS NULL`,
        ),
        db.raw(
          `SELECT CASE WHEN status = 'disabled' THEN 'disabled' WHEN failing_since IS NOT NULL THEN 'failing' ELSE 'enabled' END AS state,
                  count(*)::int AS n
           FROM webhook_endpoints WHERE deleted_at IS NULL GROUP BY 1`,
        ),
      ]);
      const endpoints = { enabled: 0, failing: 0, disabled: 0 };
      for (const r of states.rows as { state: keyof typeof endpoints; n: number }[]) endpoints[r.state] = r.n;
      return { oldestPendingSeconds: Number(oldest.rows[0]?.s ?? 0), endpoints };
    },
  };
}

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;
