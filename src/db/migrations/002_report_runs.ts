/**
 * One row per weekly report: which channels it reached and when, so running the job twice for a
 * week (a CronJob retry, an operator re-run) sends nothing twice, and a run that failed half-way
 * sends only what is missing.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE report_runs (
      report text NOT NULL,
      period text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      locked_until timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      files_written_at timestamptz,
      email_sent_at timestamptz,
      slack_sent_at timestamptz,
      completed_at timestamptz,
      last_error text,
      PRIMARY KEY (report, period)
    )
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE IF EXISTS report_runs');
}
