/**
 * Payouts (money sent to a phone), with the controls money going out needs: API key scopes, a
 * per-merchant daily cap kept in a counter row, and the same database-enforced state machine and
 * append-only audit trail as payments. Expand-only: the previous release never reads these.
 */
import type { Knex } from 'knex';

const statements: string[] = [
  // Keys made before payouts existed keep what they could do: collect payments, nothing more.
  `ALTER TABLE merchants ADD COLUMN scopes text[] NOT NULL DEFAULT ARRAY['payments']::text[]
     CHECK (scopes <@ ARRAY['payments', 'payouts']::text[])`,
  // Per-currency override of PAYOUT_DAILY_CAP, e.g. {"XOF": 5000000}; null means the default.
  `ALTER TABLE merchants ADD COLUMN payout_daily_caps jsonb CHECK (payout_daily_caps IS NULL OR jsonb_typeof(payout_daily_caps) = 'object')`,
  `
    CREATE TABLE payouts (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      -- Made with a test key: sent to the built-in simulator only, never money (see 007_test_mode).
      livemode boolean NOT NULL DEFAULT true,
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'successful', 'failed', 'needs_review')),
      amount bigint NOT NULL CHECK (amount > 0),
      currency text NOT NULL CHECK (currency IN ('XOF', 'XAF')),
      network text NOT NULL,
      phone_number text NOT NULL,
      motif text NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      feexpay_reference text UNIQUE,
      failure_reason text,
      status_source text NOT NULL DEFAULT 'api' CHECK (status_source IN ('api', 'reconciler', 'operator')),
      transition_detail jsonb,
      check_attempts integer NOT NULL DEFAULT 0,
      next_check_at timestamptz NOT NULL,
      cap_day date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      settled_at timestamptz,
      CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
    )
  `,
  `CREATE INDEX payouts_merchant_created_idx ON payouts (merchant_id, livemode, created_at DESC, id DESC)`,
  `CREATE INDEX payouts_due_idx ON payouts (next_check_at) WHERE status = 'pending'`,
  `CREATE INDEX payouts_created_idx ON payouts (created_at)`,
  `
    CREATE TABLE payout_events (
      id bigserial PRIMARY KEY,
      payout_id uuid NOT NULL REFERENCES payouts(id),
      from_status text,
      to_status text NOT NULL,
      source text NOT NULL CHECK (source IN ('api', 'reconciler', 'operator')),
      detail jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )
  `,
  `CREATE INDEX payout_events_payout_idx ON payout_events (payout_id, id)`,
  `CREATE INDEX payout_events_created_idx ON payout_events (created_at)`,
  // What each merchant has sent (or has in flight) per currency and UTC day: the cap is a
  // conditional UPDATE of this row in the payout's own transaction, so concurrent payouts queue
  // on the row lock and none can pass the cap.
  `
    CREATE TABLE payout_daily_totals (
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      livemode boolean NOT NULL,
      currency text NOT NULL,
      day date NOT NULL,
      amount bigint NOT NULL CHECK (amount >= 0),
      PRIMARY KEY (merchant_id, livemode, currency, day)
    )
  `,
  `ALTER TABLE idempotency_keys ADD COLUMN payout_id uuid REFERENCES payouts(id)`,
  `ALTER TABLE review_items ADD COLUMN payout_id uuid REFERENCES payouts(id)`,
  `ALTER TABLE review_items ADD CONSTRAINT review_items_one_subject CHECK (payment_id IS NULL OR payout_id IS NULL)`,
  `CREATE INDEX review_items_payout_idx ON review_items (payout_id)`,
  // An item's subject is its payment or its payout: without the payout in the key, two payouts
  // left without a reference would be one piece of news.
  `DROP INDEX review_items_news_idx`,
  `CREATE UNIQUE INDEX review_items_news_idx
     ON review_items (COALESCE(payment_id::text, payout_id::text, ''), cause, COALESCE(feexpay_reference, ''))`,
  `
    CREATE OR REPLACE FUNCTION review_items_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.resolved_at IS NOT NULL THEN
        RAISE EXCEPTION 'review item % is resolved and cannot change', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.payment_id IS DISTINCT FROM OLD.payment_id OR NEW.payout_id IS DISTINCT FROM OLD.payout_id
         OR NEW.cause <> OLD.cause
         OR NEW.feexpay_answer IS DISTINCT FROM OLD.feexpay_answer OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'review item % facts are immutable', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
  `,
  `
    CREATE FUNCTION payouts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
           OLD.status = 'pending'
           OR (OLD.status = 'needs_review' AND NEW.status IN ('successful', 'failed'))) THEN
        RAISE EXCEPTION 'payout % is % and cannot become %', OLD.id, OLD.status, NEW.status
          USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.amount <> OLD.amount OR NEW.currency <> OLD.currency OR NEW.merchant_id <> OLD.merchant_id
         OR NEW.network <> OLD.network OR NEW.phone_number <> OLD.phone_number OR NEW.cap_day <> OLD.cap_day
         OR NEW.livemode <> OLD.livemode THEN
        RAISE EXCEPTION 'payout % amount, currency, merchant, network, phone number, day and mode are immutable', OLD.id
          USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.feexpay_reference IS NOT NULL AND NEW.feexpay_reference IS DISTINCT FROM OLD.feexpay_reference THEN
        RAISE EXCEPTION 'payout % FeexPay reference is immutable', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.status <> OLD.status THEN
        NEW.settled_at := CASE WHEN NEW.status = 'needs_review' THEN NULL ELSE now() END;
      ELSE
        NEW.transition_detail := OLD.transition_detail;
      END IF;
      NEW.updated_at := now();
      RETURN NEW;
    END $$
  `,
  `CREATE TRIGGER payouts_guard BEFORE UPDATE ON payouts FOR EACH ROW EXECUTE FUNCTION payouts_guard()`,
  `
    CREATE FUNCTION payouts_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO payout_events (payout_id, from_status, to_status, source, detail)
        VALUES (NEW.id, NULL, NEW.status, NEW.status_source,
                jsonb_build_object('amount', NEW.amount, 'currency', NEW.currency, 'network', NEW.network));
      ELSIF NEW.status <> OLD.status THEN
        INSERT INTO payout_events (payout_id, from_status, to_status, source, detail)
        VALUES (NEW.id, OLD.status, NEW.status, NEW.status_source,
                COALESCE(NEW.transition_detail, '{}'::jsonb)
                || jsonb_strip_nulls(jsonb_build_object('failure_reason', NEW.failure_reason,
                                                        'feexpay_reference', NEW.feexpay_reference)));
        -- FeexPay stated the money did not leave: it no longer counts against the day's cap.
        IF NEW.status = 'failed' THEN
          UPDATE payout_daily_totals SET amount = amount - NEW.amount
           WHERE merchant_id = NEW.merchant_id AND livemode = NEW.livemode AND currency = NEW.currency AND day = NEW.cap_day;
        END IF;
        IF OLD.status = 'needs_review' THEN
          UPDATE review_items
             SET resolved_at = now(),
                 resolved_by = COALESCE(NEW.transition_detail->>'operator', 'feexpay'),
                 resolution = NEW.status,
                 resolution_note = COALESCE(NEW.transition_detail->>'reason', 'FeexPay confirmed the outcome')
           WHERE payout_id = NEW.id AND resolved_at IS NULL;
        END IF;
      END IF;
      RETURN NULL;
    END $$
  `,
  `CREATE TRIGGER payouts_audit AFTER INSERT OR UPDATE OF status ON payouts FOR EACH ROW EXECUTE FUNCTION payouts_audit()`,
  `
    CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$
  `,
  `CREATE TRIGGER payout_events_no_change BEFORE UPDATE OR DELETE ON payout_events FOR EACH ROW EXECUTE FUNCTION append_only()`,
  `CREATE TRIGGER payout_events_no_truncate BEFORE TRUNCATE ON payout_events FOR EACH STATEMENT EXECUTE FUNCTION append_only()`,
];

export async function up(db: Knex): Promise<void> {
  for (const sql of statements) await db.raw(sql);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX IF EXISTS review_items_news_idx');
  await db.raw('ALTER TABLE review_items DROP COLUMN IF EXISTS payout_id');
  await db.raw(`CREATE UNIQUE INDEX review_items_news_idx
     ON review_items (COALESCE(payment_id::text, ''), cause, COALESCE(feexpay_reference, ''))`);
  await db.raw('ALTER TABLE idempotency_keys DROP COLUMN IF EXISTS payout_id');
  await db.raw('DROP TABLE IF EXISTS payout_daily_totals, payout_events, payouts');
  await db.raw('DROP FUNCTION IF EXISTS payouts_guard, payouts_audit, append_only');
  await db.raw('ALTER TABLE merchants DROP COLUMN IF EXISTS scopes, DROP COLUMN IF EXISTS payout_daily_caps');
}
