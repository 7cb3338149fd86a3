/**
 * Payout events for merchants: the outbox of 004 gains payouts as a subject. A trigger on payouts
 * writes `payout.succeeded`, `payout.failed` or `payout.needs_review`, and one delivery per
 * subscribed endpoint of the payout's mode, in the transaction that changes the payout's status,
 * as payments' trigger does.
 *
 * Expand-only. The previous release keeps delivering what is in the outbox, but renders every
 * event's data as a payment: after a rollback below this migration, payout events go out with a
 * payment-shaped `data` until the release is rolled forward (docs/deploy.md).
 */
import type { Knex } from 'knex';

const statements: string[] = [
  `ALTER TABLE events ADD COLUMN payout_id uuid REFERENCES payouts(id)`,
  `ALTER TABLE events ADD CONSTRAINT events_one_subject CHECK (payment_id IS NULL OR payout_id IS NULL)`,
  `
    CREATE FUNCTION payouts_merchant_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      event_type text;
      new_event uuid := gen_random_uuid();
    BEGIN
      event_type := CASE NEW.status
        WHEN 'successful' THEN 'payout.succeeded'
        WHEN 'failed' THEN 'payout.failed'
        WHEN 'needs_review' THEN 'payout.needs_review'
      END;
      IF event_type IS NULL OR NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RETURN NULL;
      END IF;
      -- The beneficiary's number is kept as its last four digits, the operator's name not at all.
      INSERT INTO events (id, merchant_id, livemode, type, payout_id, snapshot)
      VALUES (new_event, NEW.merchant_id, NEW.livemode, event_type, NEW.id,
              (to_jsonb(NEW) - 'phone_number' - 'transition_detail') || jsonb_build_object('phone_number', right(NEW.phone_number, 4)));
      INSERT INTO event_deliveries (event_id, endpoint_id)
      SELECT new_event, e.id FROM webhook_endpoints e
      WHERE e.merchant_id = NEW.merchant_id AND e.livemode = NEW.livemode AND e.status = 'enabled' AND e.deleted_at IS NULL
        AND e.enabled_events && ARRAY['*', event_type];
      RETURN NULL;
    END $$
  `,
  `CREATE TRIGGER payouts_merchant_event AFTER UPDATE OF status ON payouts FOR EACH ROW EXECUTE FUNCTION payouts_merchant_event()`,
];

export async function up(db: Knex): Promise<void> {
  for (const sql of statements) await db.raw(sql);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TRIGGER IF EXISTS payouts_merchant_event ON payouts');
  await db.raw('DROP FUNCTION IF EXISTS payouts_merchant_event');
  // Payout events cannot be shown by a release without this migration.
  await db.raw('DELETE FROM event_delivery_attempts WHERE delivery_id IN (SELECT d.id FROM event_deliveries d JOIN events e ON e.id = d.event_id WHERE e.payout_id IS NOT NULL)');
  await db.raw('DELETE FROM event_deliveries WHERE event_id IN (SELECT id FROM events WHERE payout_id IS NOT NULL)');
  await db.raw('DELETE FROM events WHERE payout_id IS NOT NULL');
  await db.raw('ALTER TABLE events DROP CONSTRAINT IF EXISTS events_one_subject');
  await db.raw('ALTER TABLE events DROP COLUMN IF EXISTS payout_id');
}
