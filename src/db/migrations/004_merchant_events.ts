/**
 * Merchant events (a transactional outbox). A trigger on payments writes the event, and one
 * delivery row per subscribed endpoint, in the transaction that changes the status: a committed
 * transition always has its event and a rolled-back one never does. The delivery worker reads
 * event_deliveries; every HTTP attempt it makes is a row of event_delivery_attempts.
 */
import type { Knex } from 'knex';

const statements: string[] = [
  `
    CREATE TABLE webhook_endpoints (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
      description text CHECK (length(description) <= 500),
      -- '*' alone means every event type, present and future.
      enabled_events text[] NOT NULL CHECK (cardinality(enabled_events) > 0),
      status text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
      -- Signing keys (the base64 part of whsec_...). HMAC needs the key itself, so it cannot be hashed.
      secret text NOT NULL,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      -- Set by the first failed attempt after a success, cleared by a success: how long it has failed.
      failing_since timestamptz,
      last_success_at timestamptz,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      CHECK ((status = 'disabled') = (disabled_at IS NOT NULL))
    );
  `,
  `
    CREATE INDEX webhook_endpoints_merchant_idx ON webhook_endpoints (merchant_id, created_at DESC) WHERE deleted_at IS NULL;
  `,
  `
    CREATE TABLE events (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      type text NOT NULL,
      payment_id uuid REFERENCES payments(id),
      -- The payment row as the transition left it, without the phone number (last four digits
      -- only), customer details or the transition's detail (an operator's name): the API renders
      -- it with presentPayment, as GET /v1/payments does.
      snapshot jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
  `,
  `
    CREATE INDEX events_merchant_created_idx ON events (merchant_id, created_at DESC, id DESC);
  `,
  `
    CREATE INDEX events_merchant_type_created_idx ON events (merchant_id, type, created_at DESC, id DESC);
  `,
  `
    CREATE TABLE event_deliveries (
      id bigserial PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES events(id),
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
      -- Attempts made, and how far along the retry schedule the next one is (redeliver resets it).
      attempts integer NOT NULL DEFAULT 0,
      schedule_step integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      UNIQUE (event_id, endpoint_id)
    );
  `,
  `
    -- The only index on the queue besides the keys: every claim moves next_attempt_at, and each
    -- more index is one more write per attempt. Pending rows are few; the rarer reads (gauges,
    -- cancelling an endpoint's deliveries) scan them through this one.
    CREATE INDEX event_deliveries_due_idx ON event_deliveries (next_attempt_at) WHERE status = 'pending';
  `,
  `
    CREATE TABLE event_delivery_attempts (
      id bigserial PRIMARY KEY,
      delivery_id bigint NOT NULL REFERENCES event_deliveries(id),
      attempt integer NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('succeeded', 'http_error', 'timeout', 'network_error', 'refused')),
      response_status integer,
      -- The first bytes of the answer (or the error), for the merchant's debugging.
      response_body text CHECK (length(response_body) <= 2048),
      duration_ms integer NOT NULL,
      started_at timestamptz NOT NULL,
      UNIQUE (delivery_id, attempt)
    );
  `,
  `
    CREATE INDEX event_delivery_attempts_started_idx ON event_delivery_attempts (started_at DESC);
  `,
  `
    CREATE FUNCTION payments_merchant_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      event_type text;
      new_event uuid := gen_random_uuid();
    BEGIN
      event_type := CASE NEW.status
        WHEN 'successful' THEN 'payment.succeeded'
        WHEN 'failed' THEN 'payment.failed'
        WHEN 'expired' THEN 'payment.expired'
        WHEN 'needs_review' THEN 'payment.needs_review'
      END;
      IF event_type IS NULL OR NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RETURN NULL;
      END IF;
      INSERT INTO events (id, merchant_id, type, payment_id, snapshot)
      VALUES (new_event, NEW.merchant_id, event_type, NEW.id,
              (to_jsonb(NEW) - 'customer' - 'phone_number' - 'transition_detail') || jsonb_build_object('phone_number', right(NEW.phone_number, 4)));
      INSERT INTO event_deliveries (event_id, endpoint_id)
      SELECT new_event, e.id FROM webhook_endpoints e
      WHERE e.merchant_id = NEW.merchant_id AND e.status = 'enabled' AND e.deleted_at IS NULL
        AND e.enabled_events && ARRAY['*', event_type];
      RETURN NULL;
    END $$;
  `,
  `
    CREATE TRIGGER payments_merchant_event AFTER UPDATE OF status ON payments
      FOR EACH ROW EXECUTE FUNCTION payments_merchant_event();
  `,
];

export async function up(db: Knex): Promise<void> {
  // One statement per call: PGlite's extended protocol refuses several in one.
  for (const sql of statements) await db.raw(sql);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TRIGGER IF EXISTS payments_merchant_event ON payments');
  await db.raw('DROP FUNCTION IF EXISTS payments_merchant_event');
  await db.raw('DROP TABLE IF EXISTS event_delivery_attempts, event_deliveries, events, webhook_endpoints');
}
