/**
 * Payments whose outcome the service cannot establish go to `needs_review`, never to a guess, and
 * everything FeexPay says about money that does not fit a payment becomes a review item an
 * operator resolves. The state machine stays in the database: `pending` may become anything,
 * `needs_review` only `successful` or `failed`, and the other states are final.
 *
 * Expand-only: the previous release keeps running on this schema (it never writes the new
 * state, source or columns, and its trigger is replaced by one that accepts all it does).
 */
import type { Knex } from 'knex';

const statements: string[] = [
  `ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_status_check`,
  `ALTER TABLE payments ADD CONSTRAINT payments_status_check
     CHECK (status IN ('pending', 'successful', 'failed', 'expired', 'needs_review'))`,
  `ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_status_source_check`,
  `ALTER TABLE payments ADD CONSTRAINT payments_status_source_check
     CHECK (status_source IN ('api', 'webhook', 'reconciler', 'operator'))`,
  `ALTER TABLE payment_events DROP CONSTRAINT IF EXISTS payment_events_source_check`,
  `ALTER TABLE payment_events ADD CONSTRAINT payment_events_source_check
     CHECK (source IN ('api', 'webhook', 'reconciler', 'operator'))`,
  // Why the last transition happened (review cause, operator and reason); copied into the audit row.
  `ALTER TABLE payments ADD COLUMN transition_detail jsonb`,
  // An expired payment is asked about again later, so a success FeexPay decides after the
  // deadline is found even when its webhook never arrives.
  `ALTER TABLE payments ADD COLUMN late_check_at timestamptz`,
  `CREATE INDEX payments_late_check_idx ON payments (late_check_at) WHERE late_check_at IS NOT NULL`,
  `CREATE INDEX payments_review_idx ON payments (created_at) WHERE status = 'needs_review'`,
  `
    CREATE TABLE review_items (
      id bigserial PRIMARY KEY,
      payment_id uuid REFERENCES payments(id),
      cause text NOT NULL,
      feexpay_reference text,
      feexpay_answer jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      resolved_by text,
      resolution text,
      resolution_note text,
      CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
      CHECK (resolved_at IS NULL OR resolved_by IS NOT NULL)
    )
  `,
  // One item per payment, cause and reference, ever: FeexPay re-sending the same news hours
  // later (even after an operator resolved it) adds nothing.
  `CREATE UNIQUE INDEX review_items_news_idx
     ON review_items (COALESCE(payment_id::text, ''), cause, COALESCE(feexpay_reference, ''))`,
  `CREATE INDEX review_items_payment_idx ON review_items (payment_id)`,
  `CREATE INDEX review_items_created_idx ON review_items (created_at) WHERE resolved_at IS NULL`,
  `
    CREATE OR REPLACE FUNCTION review_items_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.resolved_at IS NOT NULL THEN
        RAISE EXCEPTION 'review item % is resolved and cannot change', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.payment_id IS DISTINCT FROM OLD.payment_id OR NEW.cause <> OLD.cause
         OR NEW.feexpay_answer IS DISTINCT FROM OLD.feexpay_answer OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'review item % facts are immutable', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
  `,
  `CREATE TRIGGER review_items_guard BEFORE UPDATE ON review_items FOR EACH ROW EXECUTE FUNCTION review_items_guard()`,
  `CREATE TRIGGER review_items_no_delete BEFORE DELETE ON review_items FOR EACH ROW EXECUTE FUNCTION payment_events_append_only()`,
  `
    CREATE OR REPLACE FUNCTION payments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
           OLD.status = 'pending'
           OR (OLD.status = 'needs_review' AND NEW.status IN ('successful', 'failed'))) THEN
        RAISE EXCEPTION 'payment % is % and cannot become %', OLD.id, OLD.status, NEW.status
          USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.amount <> OLD.amount OR NEW.currency <> OLD.currency
         OR NEW.merchant_id <> OLD.merchant_id OR NEW.network <> OLD.network
         OR NEW.phone_number <> OLD.phone_number THEN
        RAISE EXCEPTION 'payment % amount, currency, merchant, network and phone number are immutable', OLD.id
          USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.feexpay_reference IS NOT NULL AND NEW.feexpay_reference IS DISTINCT FROM OLD.feexpay_reference THEN
        RAISE EXCEPTION 'payment % FeexPay reference is immutable', OLD.id USING ERRCODE = 'check_violation';
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
  `
    CREATE OR REPLACE FUNCTION payments_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO payment_events (payment_id, from_status, to_status, source, detail)
        VALUES (NEW.id, NULL, NEW.status, NEW.status_source,
                jsonb_build_object('amount', NEW.amount, 'currency', NEW.currency, 'network', NEW.network));
      ELSIF NEW.status <> OLD.status THEN
        INSERT INTO payment_events (payment_id, from_status, to_status, source, detail)
        VALUES (NEW.id, OLD.status, NEW.status, NEW.status_source,
                COALESCE(NEW.transition_detail, '{}'::jsonb)
                || jsonb_strip_nulls(jsonb_build_object('failure_reason', NEW.failure_reason,
                                                        'feexpay_reference', NEW.feexpay_reference)));
        -- Settling a payment under review closes its open items, in the same transaction.
        IF OLD.status = 'needs_review' THEN
          UPDATE review_items
             SET resolved_at = now(),
                 resolved_by = COALESCE(NEW.transition_detail->>'operator', 'feexpay'),
                 resolution = NEW.status,
                 resolution_note = COALESCE(NEW.transition_detail->>'reason', 'FeexPay confirmed the outcome')
           WHERE payment_id = NEW.id AND resolved_at IS NULL;
        END IF;
      END IF;
      RETURN NULL;
    END $$
  `,
];

export async function up(db: Knex): Promise<void> {
  // The constraint names are PostgreSQL's defaults for the inline CHECKs of 001.
  for (const sql of statements) await db.raw(sql);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE IF EXISTS review_items');
  await db.raw('DROP FUNCTION IF EXISTS review_items_guard');
  await db.raw('DROP INDEX IF EXISTS payments_review_idx');
  await db.raw('ALTER TABLE payments DROP COLUMN IF EXISTS transition_detail');
  await db.raw('ALTER TABLE payments DROP COLUMN IF EXISTS late_check_at');
}
