/**
 * The payment store. The state machine and the audit trail live in the database itself
 * (triggers), so no code path, script or manual UPDATE can move a payment backwards or change it
 * without an audit row.
 */
import type { Knex } from 'knex';

const statements: string[] = [
  `
    CREATE TABLE merchants (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      api_key_hash text NOT NULL UNIQUE,
      api_key_prefix text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz
    );
  `,
  `
    CREATE TABLE payments (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'successful', 'failed', 'expired')),
      amount bigint NOT NULL CHECK (amount > 0),
      currency text NOT NULL CHECK (currency IN ('XOF', 'XAF')),
      network text NOT NULL,
      phone_number text NOT NULL,
      description text,
      customer jsonb NOT NULL DEFAULT '{}'::jsonb,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      feexpay_reference text UNIQUE,
      feexpay_order_id text,
      payment_url text,
      failure_reason text,
      status_source text NOT NULL DEFAULT 'api' CHECK (status_source IN ('api', 'webhook', 'reconciler')),
      check_attempts integer NOT NULL DEFAULT 0,
      next_check_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      settled_at timestamptz,
      CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
    );
  `,
  `
    CREATE INDEX payments_merchant_created_idx ON payments (merchant_id, created_at DESC, id DESC);
  `,
  `
    CREATE INDEX payments_due_idx ON payments (next_check_at) WHERE status = 'pending';
  `,
  `
    CREATE INDEX payments_created_idx ON payments (created_at);
  `,
  `
    CREATE INDEX payments_status_created_idx ON payments (status, created_at DESC);
  `,
  `
    CREATE TABLE payment_events (
      id bigserial PRIMARY KEY,
      payment_id uuid NOT NULL REFERENCES payments(id),
      from_status text,
      to_status text NOT NULL,
      source text NOT NULL CHECK (source IN ('api', 'webhook', 'reconciler')),
      detail jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
  `,
  `
    CREATE INDEX payment_events_payment_idx ON payment_events (payment_id, id);
  `,
  `
    CREATE INDEX payment_events_created_idx ON payment_events (created_at);
  `,
  `
    CREATE TABLE idempotency_keys (
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      key text NOT NULL,
      request_hash text NOT NULL,
      state text NOT NULL CHECK (state IN ('in_flight', 'done')),
      payment_id uuid REFERENCES payments(id),
      response_status integer,
      response_body jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (merchant_id, key)
    );
  `,
  `
    CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
  `,
  `
    CREATE TABLE webhook_deliveries (
      id bigserial PRIMARY KEY,
      reference text,
      payment_id uuid REFERENCES payments(id),
      claimed_status text,
      result text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    );
  `,
  `
    CREATE INDEX webhook_deliveries_reference_idx ON webhook_deliveries (reference);
  `,
  `
    CREATE FUNCTION payments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status <> 'pending' AND NEW.status IS DISTINCT FROM OLD.status THEN
        RAISE EXCEPTION 'payment % is % and cannot become %', OLD.id, OLD.status, NEW.status
          USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.amount <> OLD.amount OR NEW.currency <> OLD.currency
         OR NEW.merchant_id <> OLD.merchant_id OR NEW.network <> OLD.network THEN
        RAISE EXCEPTION 'payment % amount, currency, merchant and network are immutable', OLD.id
          USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.feexpay_reference IS NOT NULL AND NEW.feexpay_reference IS DISTINCT FROM OLD.feexpay_reference THEN
        RAISE EXCEPTION 'payment % FeexPay reference is immutable', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.status <> OLD.status THEN
        NEW.settled_at := now();
      END IF;
      NEW.updated_at := now();
      RETURN NEW;
    END $$;
  `,
  `
    CREATE TRIGGER payments_guard BEFORE UPDATE ON payments
      FOR EACH ROW EXECUTE FUNCTION payments_guard();
  `,
  `
    CREATE FUNCTION payments_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO payment_events (payment_id, from_status, to_status, source, detail)
        VALUES (NEW.id, NULL, NEW.status, NEW.status_source,
                jsonb_build_object('amount', NEW.amount, 'currency', NEW.currency, 'network', NEW.network));
      ELSIF NEW.status <> OLD.status THEN
        INSERT INTO payment_events (payment_id, from_status, to_status, source, detail)
        VALUES (NEW.id, OLD.status, NEW.status, NEW.status_source,
                jsonb_strip_nulls(jsonb_build_object('failure_reason', NEW.failure_reason,
                                                     'feexpay_reference', NEW.feexpay_reference)));
      END IF;
      RETURN NULL;
    END $$;
  `,
  `
    CREATE TRIGGER payments_audit AFTER INSERT OR UPDATE OF status ON payments
      FOR EACH ROW EXECUTE FUNCTION payments_audit();
  `,
  `
    CREATE FUNCTION payment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'payment_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$;
  `,
  `
    CREATE TRIGGER payment_events_no_change BEFORE UPDATE OR DELETE ON payment_events
      FOR EACH ROW EXECUTE FUNCTION payment_events_append_only();
  `,
  `
    CREATE TRIGGER payment_events_no_truncate BEFORE TRUNCATE ON payment_events
      FOR EACH STATEMENT EXECUTE FUNCTION payment_events_append_only();
  `,
];

export async function up(db: Knex): Promise<void> {
  // One statement per call: PGlite's extended protocol refuses several in one.
  for (const sql of statements) await db.raw(sql);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE IF EXISTS webhook_deliveries, idempotency_keys, payment_events, payments, merchants CASCADE');
  await db.raw('DROP FUNCTION IF EXISTS payments_guard, payments_audit, payment_events_append_only');
}
