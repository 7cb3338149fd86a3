/**
 * The delivery queue in SQL. A claim locks due deliveries with FOR UPDATE SKIP LOCKED and leases
 * the chosen ones (next_attempt_at pushed past the attempt's deadline), so replicas share the
 * queue and none makes the same attempt twice; it is one statement and never spans HTTP.
 * Outcomes are recorded in batches: the attempt row, the delivery's next step and the endpoint's
 * health in one statement (so at once or not at all).
 */
import type { Knex } from 'knex';
import { cancelPending } from './endpoints.ts';
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
     * Up to `limit` due deliveries, at most `perEndpoint` in flight per endpoint counting the
     * `inFlight` ones here. Endpoints already at their limit are not even looked at, so their
     * backlog hides no one else. One statement: the candidates are ranked per endpoint without
     * locks, then the chosen rows locked with SKIP LOCKED (their state re-checked once locked).
     */
    async claim(limit: number, leaseMs: number, perEndpoint: number, inFlight: ReadonlyMap<string, number>): Promise<ClaimedDelivery[]> {
      const full = [...inFlight].filter(([, n]) => n >= perEndpoint).map(([id]) => id);
      const { rows } = (await db.raw(
        `WITH candidates AS (
           SELECT id, endpoint_id, next_attempt_at,
                  row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id) AS rank
           FROM (SELECT id, endpoint_id, next_attempt_at FROM event_deliveries
                 WHERE status = 'pending' AND next_attempt_at <= now() AND NOT (endpoint_id = ANY(?::uuid[]))
                 ORDER BY next_attempt_at
                 LIMIT ?) AS due),
         chosen AS (
           SELECT d.id FROM event_deliveries d JOIN candidates c ON c.id = d.id
           WHERE c.rank <= ? - COALESCE((?::jsonb ->> c.endpoint_id::text)::int, 0)
             AND d.status = 'pending' AND d.next_attempt_at <= now()
           ORDER BY c.next_attempt_at
           LIMIT ?
           FOR UPDATE OF d SKIP LOCKED),
         claimed AS (
           UPDATE event_deliveries d SET next_attempt_at = now() + (? * interval '1 millisecond'), attempts = attempts + 1
           FROM chosen WHERE d.id = chosen.id
           RETURNING d.id, d.event_id, d.endpoint_id, d.attempts, d.schedule_step)
         SELECT c.id AS delivery_id, c.attempts AS attempt, c.schedule_step, w.id::text AS endpoint_id,
                w.merchant_id::text AS merchant_id, w.url, w.secret,
                CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret,
                e.id::text AS event_id, e.type AS event_type, e.created_at AS event_created_at, e.snapshot
         FROM claimed c JOIN events e ON e.id = c.event_id JOIN webhook_endpoints w ON w.id = c.endpoint_id`,
        [`{${full.join(',')}}`, limit * CANDIDATES_PER_SLOT, perEndpoint, JSON.stringify(Object.fromEntries(inFlight)), limit, leaseMs],
      )) as { rows: (Omit<ClaimedDelivery, 'secrets'> & { secret: string; previous_secret: string | null })[] };
      return rows.map(({ secret, previous_secret, ...r }) => ({
        ...r,
        delivery_id: Number(r.delivery_id),
        secrets: previous_secret ? [secret, previous_secret] : [secret],
      }));
    },

    /** Claimed deliveries not attempted after all (shutdown): due again now, numbered as before. */
    async release(ids: number[]): Promise<void> {
      await db.raw(`UPDATE event_deliveries SET next_attempt_at = now(), attempts = attempts - 1 WHERE id = ANY(?::bigint[]) AND status = 'pending'`, [`{${ids.join(',')}}`]);
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
      const { rows: health } = (await db.raw(
        `WITH r AS (
           SELECT * FROM jsonb_to_recordset(?::jsonb) AS r(delivery_id bigint, endpoint_id uuid, attempt int, outcome text,
             response_status int, response_body text, duration_ms int, started_at timestamptz, status text, wait_s int, ok boolean)),
         attempts AS (
           INSERT INTO event_delivery_attempts (delivery_id, attempt, outcome, response_status, response_body, duration_ms, started_at)
           SELECT delivery_id, attempt, outcome, response_status, response_body, duration_ms, started_at FROM r
           ON CONFLICT (delivery_id, attempt) DO NOTHING),
         -- Only the latest claim of a delivery moves it on (a redelivery may have claimed it again).
         deliveries AS (
           UPDATE event_deliveries d SET status = r.status, schedule_step = d.schedule_step + 1,
                  next_attempt_at = CASE WHEN r.status = 'pending' THEN now() + r.wait_s * interval '1 second' ELSE d.next_attempt_at END,
                  finished_at = CASE WHEN r.status = 'pending' THEN NULL ELSE now() END
           FROM r WHERE d.id = r.delivery_id AND d.status = 'pending' AND d.attempts = r.attempt)
         UPDATE webhook_endpoints w
         SET failing_since = CASE WHEN h.ok THEN NULL ELSE COALESCE(w.failing_since, h.first_failure) END,
             last_success_at = CASE WHEN h.ok THEN now() ELSE w.last_success_at END
         FROM (SELECT endpoint_id, bool_or(ok) AS ok, min(started_at) AS first_failure FROM r GROUP BY endpoint_id) h
         WHERE w.id = h.endpoint_id
         RETURNING w.id::text AS id, (w.status = 'enabled' AND NOT h.ok
           AND COALESCE(w.failing_since, h.first_failure) < now() - (? * interval '1 second')) AS overdue`,
        [JSON.stringify(rows), disableAfterSeconds],
      )) as { rows: { id: string; overdue: boolean }[] };
      const overdue = health.filter((h) => h.overdue).map((h) => h.id);
      if (overdue.length === 0) return [];
      // Rare: an endpoint failing past the limit is disabled with what it still had to receive.
      return db.transaction(async (trx) => {
        const disabled = (await trx('webhook_endpoints')
          .whereIn('id', overdue)
          .andWhere({ status: 'enabled' })
          .update({ status: 'disabled', disabled_at: trx.fn.now() })
          .returning(['id', 'merchant_id'])) as { id: string; merchant_id: string }[];
        if (disabled.length)
          await cancelPending(
            trx,
            disabled.map((d) => d.id),
            'failed',
          );
        return disabled;
      });
    },

    /**
     * Figures for the gauges: endpoints by state, and the oldest event still to deliver to an
     * endpoint that is not failing. An endpoint that is down keeps its events for a day of
     * retries; that is the merchant's to fix, while events waiting for a healthy one are ours.
     * Live endpoints only: test mode stays out of the alerts, as test payments do.
     */
    async backlog(): Promise<{ oldestPendingSeconds: number; endpoints: Record<'enabled' | 'failing' | 'disabled', number> }> {
      const [oldest, states] = await Promise.all([
        db.raw(
          `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(d.created_at)), 0)::float8 AS s
           FROM event_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
           WHERE d.status = 'pending' AND w.failing_since IS NULL AND w.livemode`,
        ),
        db.raw(
          `SELECT CASE WHEN status = 'disabled' THEN 'disabled' WHEN failing_since IS NOT NULL THEN 'failing' ELSE 'enabled' END AS state,
                  count(*)::int AS n
           FROM webhook_endpoints WHERE deleted_at IS NULL AND livemode GROUP BY 1`,
        ),
      ]);
      const endpoints = { enabled: 0, failing: 0, disabled: 0 };
      for (const r of states.rows as { state: keyof typeof endpoints; n: number }[]) endpoints[r.state] = r.n;
      return { oldestPendingSeconds: Number(oldest.rows[0]?.s ?? 0), endpoints };
    },
  };
}

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;
