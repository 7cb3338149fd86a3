/**
 * report_runs: one row per report and period. A run takes a lease on the row (so two runs at once
 * cannot both send) and records each channel as it succeeds, so a re-run sends only what is missing.
 */
import type { Knex } from 'knex';

export interface ReportRun {
  report: string;
  period: string;
  attempts: number;
  files_written_at: Date | null;
  email_sent_at: Date | null;
  slack_sent_at: Date | null;
  completed_at: Date | null;
}

export type Claim = { kind: 'claimed'; run: ReportRun } | { kind: 'done'; run: ReportRun } | { kind: 'busy' };

const LEASE = "interval '15 minutes'";

export async function claimRun(db: Knex, report: string, period: string): Promise<Claim> {
  await db.raw('INSERT INTO report_runs (report, period) VALUES (?, ?) ON CONFLICT DO NOTHING', [report, period]);
  const { rows } = await db.raw(
    `UPDATE report_runs SET locked_until = now() + ${LEASE}, attempts = attempts + 1, last_error = NULL
      WHERE report = ? AND period = ? AND completed_at IS NULL AND (locked_until IS NULL OR locked_until < now())
      RETURNING *`,
    [report, period],
  );
  if (rows.length) return { kind: 'claimed', run: rows[0] as ReportRun };
  const run = (await db('report_runs').where({ report, period }).first()) as ReportRun;
  return run.completed_at ? { kind: 'done', run } : { kind: 'busy' };
}

export type Step = 'files_written_at' | 'email_sent_at' | 'slack_sent_at';

export async function markStep(db: Knex, report: string, period: string, step: Step): Promise<void> {
  await db('report_runs')
    .where({ report, period })
    .update({ [step]: db.fn.now() });
}

export async function finishRun(db: Knex, report: string, period: string, outcome: { complete: boolean; error?: string }): Promise<void> {
  await db('report_runs')
    .where({ report, period })
    .update({
      locked_until: null,
      completed_at: outcome.complete ? db.fn.now() : null,
      last_error: outcome.error ? outcome.error.slice(0, 500) : null,
    });
}
