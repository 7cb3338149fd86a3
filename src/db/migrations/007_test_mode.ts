/**
 * Test mode: every merchant has a test key beside its live key, and every payment says which
 * mode made it. Test payments go to the built-in simulator only and never count as money.
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
];

export async function up(db: Knex): Promise<void> {
  for (const sql of statements) await db.raw(sql);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TRIGGER IF EXISTS payments_mode_guard ON payments');
  await db.raw('DROP FUNCTION IF EXISTS payments_mode_guard');
  await db.raw('DROP INDEX IF EXISTS payments_test_idx');
  await db.raw('ALTER TABLE payments DROP COLUMN IF EXISTS livemode');
  await db.raw('ALTER TABLE merchants DROP COLUMN IF EXISTS test_api_key_hash, DROP COLUMN IF EXISTS test_api_key_prefix');
}
