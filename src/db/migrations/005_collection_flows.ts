/**
 * What the collection flows need stored: how a payment is collected (a phone's operator or a
 * card, and the card's brand), the step the customer must take next (`next_action`: an OTP to
 * send, a page to visit), and the operators' settings operators edit in /admin (limits,
 * maintenance), which override the configuration's.
 */
import type { Knex } from 'knex';

const statements = [
  `ALTER TABLE payments ADD COLUMN method text NOT NULL DEFAULT 'mobile_money'
     CHECK (method IN ('mobile_money', 'card'))`,
  `ALTER TABLE payments ADD COLUMN card_brand text CHECK (card_brand IN ('VISA', 'MASTERCARD'))`,
  `ALTER TABLE payments ADD CONSTRAINT payments_card_brand_iff_card CHECK ((method = 'card') = (card_brand IS NOT NULL))`,
  `ALTER TABLE payments ADD COLUMN next_action jsonb
     CHECK (next_action IS NULL OR next_action->>'type' IN ('otp_required', 'redirect_to_url'))`,
  `
    CREATE FUNCTION payments_method_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.method <> OLD.method OR NEW.card_brand IS DISTINCT FROM OLD.card_brand THEN
        RAISE EXCEPTION 'payment % method and card brand are immutable', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$;
  `,
  `CREATE TRIGGER payments_method_guard BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION payments_method_guard()`,
  `
    CREATE TABLE network_settings (
      network text PRIMARY KEY,
      enabled boolean,
      min_amount bigint CHECK (min_amount > 0),
      max_amount bigint CHECK (max_amount > 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (min_amount IS NULL OR max_amount IS NULL OR min_amount <= max_amount)
    )
  `,
];

export async function up(db: Knex): Promise<void> {
  // One statement per call: PGlite's extended protocol refuses several in one.
  for (const sql of statements) await db.raw(sql);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE IF EXISTS network_settings');
  await db.raw('DROP TRIGGER IF EXISTS payments_method_guard ON payments');
  await db.raw('DROP FUNCTION IF EXISTS payments_method_guard');
  await db.raw('ALTER TABLE payments DROP COLUMN IF EXISTS next_action, DROP COLUMN IF EXISTS card_brand, DROP COLUMN IF EXISTS method');
}
