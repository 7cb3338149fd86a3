/**
 * The operators' view of merchant events: the latest delivery attempts and the endpoints that
 * fail or were disabled. Endpoint URLs are reduced to their host: a merchant may put a token in
 * the path or query, and the host is what an operator needs to see who is down.
 */
import type { Knex } from 'knex';

export interface RecentDelivery {
  started_at: string;
  event_type: string;
  event_id: string;
  endpoint_id: string;
  host: string;
  attempt: number;
  outcome: string;
  response_status: number | null;
  duration_ms: number;
}

export interface FailingEndpoint {
  endpoint_id: string;
  merchant_id: string;
  host: string;
  status: string;
  failing_since: string | null;
  disabled_at: string | null;
}

export const RECENT_SHOWN = 20;

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
};
const isoOrNull = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export async function merchantEventsOverview(db: Knex): Promise<{ recent_deliveries: RecentDelivery[]; failing_endpoints: FailingEndpoint[] }> {
  const [attempts, endpoints] = await Promise.all([
    db('event_delivery_attempts as a')
      .join('event_deliveries as d', 'd.id', 'a.delivery_id')
      .join('events as e', 'e.id', 'd.event_id')
      .join('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
      .select('a.started_at', 'e.type', 'e.id as event_id', 'w.id as endpoint_id', 'w.url', 'a.attempt', 'a.outcome', 'a.response_status', 'a.duration_ms')
      .orderBy('a.started_at', 'desc')
      .limit(RECENT_SHOWN),
    db('webhook_endpoints')
      .whereNull('deleted_at')
      .andWhere((q) => q.whereNotNull('failing_since').orWhere('status', 'disabled'))
      .select('id', 'merchant_id', 'url', 'status', 'failing_since', 'disabled_at')
      .orderByRaw('COALESCE(disabled_at, failing_since) ASC')
      .limit(RECENT_SHOWN),
  ]);
  return {
    recent_deliveries: attempts.map((a) => ({
      started_at: new Date(a.started_at).toISOString(),
      event_type: a.type,
      event_id: a.event_id,
      endpoint_id: a.endpoint_id,
      host: hostOf(a.url),
      attempt: a.attempt,
      outcome: a.outcome,
      response_status: a.response_status,
      duration_ms: a.duration_ms,
    })),
    failing_endpoints: endpoints.map((w) => ({
      endpoint_id: w.id,
      merchant_id: w.merchant_id,
      host: hostOf(w.url),
      status: w.status,
      failing_since: isoOrNull(w.failing_since),
      disabled_at: isoOrNull(w.disabled_at),
    })),
  };
}
