/**
 * Test mode: every merchant has a test key beside its live key, and every payment, merchant
 * event and webhook endpoint says which mode made it. Test payments go to the built-in simulator only and never count as money.
 * Expand-only: the previous release ignores the new columns, and the defaults make everything it
 * writes live, as it is.
 */
import type { Knex } from 'knex';

const statements: string[] = [
  `ALTER TABLE merchants ADD COLUMN test_api_key_hash text UNIQUE`,
  `ALTER TABLE merchants ADD COLUMN test_api_key_prefix text`,
  `ALTER TABLE payments ADD COLUMN livemode boolean NOT NULL DEFAULT true`,
  // A payment's mode is fixed at creation, like its amount.
  `
    CREATE OR REPLACE FUNCTION payments_mode_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.livemode IS DISTINCT FROM OLD.livemode THEN
        RAISE EXCEPTION 'payment % mode is immutable', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
  `,
  `CREATE TRIGGER payments_mode_guard BEFORE UPDATE OF livemode ON payments FOR EACH ROW EXECUTE FUNCTION payments_mode_guard()`,
  `CREATE INDEX payments_test_idx ON payments (merchant_id, created_at DESC, id DESC) WHERE NOT livemode`,
  // Merchant events and their endpoints are separated by mode too: a test payment's event goes to
  // the merchant's test endpoints only.
  `ALTER TABLE webhook_endpoints ADD COLUMN livemode boolean NOT NULL DEFAULT true`,
  `ALTER TABLE events ADD COLUMN livemode boolean NOT NULL DEFAULT true`,
  `
    CREATE OR REPLACE FUNCTION payments_merchant_event() RETURNS trigger LANGUAGE plpgsql AS $$
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
      INSERT INTO events (id, merchant_id, livemode, type, payment_id, snapshot)
      VALUES (new_event, NEW.merchant_id, NEW.livemode, event_type, NEW.id,
              (to_jsonb(NEW) - 'customer' - 'phone_number' - 'transition_detail') || jsonb_build_object('phone_number', right(NEW.phone_number, 4)));
      INSERT INTO event_deliveries (event_id, endpoint_id)
      SELECT new_event, e.id FROM webhook_endpoints e
      WHERE e.merchant_id = NEW.merchant_id AND e.livemode = NEW.livemode AND e.status = 'enabled' AND e.deleted_at IS NULL
        AND e.enabled_events && ARRAY['*', event_type];
      RETURN NULL;
    END $$
  `,
];

export async function up(db: Knex): Promise<void> {
  for (const sql of statements) await db.raw(sql);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TRIGGER IF EXISTS payments_mode_guard ON payments');
  await db.raw('DROP FUNCTION IF EXISTS payments_mode_guard');
  await db.raw('DROP INDEX IF EXISTS payments_test_idx');
  await db.raw('ALTER TABLE webhook_endpoints DROP COLUMN IF EXISTS livemode');
  await db.raw('ALTER TABLE events DROP COLUMN IF EXISTS livemode');
  await db.raw('ALTER TABLE payments DROP COLUMN IF EXISTS livemode');
  await db.raw('ALTER TABLE merchants DROP COLUMN IF EXISTS test_api_key_hash, DROP COLUMN IF EXISTS test_api_key_prefix');
}
