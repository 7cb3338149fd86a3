/**
 * The weekly report job: claim the week, build the report, write its files, then send each
 * channel that has not been sent yet. Running it again for a sent week does nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { postSlack, sendEmail, type EmailTarget } from './deliver.ts';
import { integer } from './integer.ts';
import { buildWeeklyReport, percent, type ReportSources, type WeeklyReport } from './report.ts';
import { renderCsv } from './render-csv.ts';
import { renderHtml } from './render-html.ts';
import { renderSlack } from './render-slack.ts';
import { claimRun, finishRun, markStep, type ReportRun } from './runs.ts';
import type { IsoWeek } from './week.ts';

export const REPORT_NAME = 'weekly';

export type ChannelOutcome = 'sent' | 'already_sent' | 'not_configured' | 'failed';

export interface WeeklyJobOptions {
  week: IsoWeek;
  reportsDir: string;
  sources: ReportSources;
  email: EmailTarget | null;
  slackWebhookUrl: string | null;
  now?: Date;
}

export interface WeeklyJobResult {
  week: string;
  status: 'done' | 'already_done' | 'busy' | 'incomplete';
  files: string[];
  email: ChannelOutcome;
  slack: ChannelOutcome;
  errors: string[];
  report?: WeeklyReport;
}

function writeAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o640 });
  fs.renameSync(tmp, file);
}

async function channel(sentAt: Date | null, configured: boolean, send: () => Promise<void>, errors: string[], name: string): Promise<ChannelOutcome> {
  if (sentAt) return 'already_sent';
  if (!configured) return 'not_configured';
  try {
    await send();
    return 'sent';
  } catch (err) {
    errors.push(`${name}: ${(err as Error).message}`);
    return 'failed';
  }
}

export async function runWeeklyReport(db: Knex, opts: WeeklyJobOptions): Promise<WeeklyJobResult> {
  const label = opts.week.label;
  // A week still running would be reported half-empty and then marked as sent for good.
  if (opts.week.end.getTime() > (opts.now ?? new Date()).getTime()) throw new Error(`${label} has not ended yet`);
  const claim = await claimRun(db, REPORT_NAME, label);
  const none = { files: [], errors: [] };
  if (claim.kind === 'done') return { week: label, status: 'already_done', email: 'already_sent', slack: 'already_sent', ...none };
  if (claim.kind === 'busy') return { week: label, status: 'busy', email: 'failed', slack: 'failed', ...none };
  const run: ReportRun = claim.run;
  const errors: string[] = [];
  try {
    const report = await buildWeeklyReport(db, opts.week, opts.sources, opts.now);
    const html = renderHtml(report);
    const csv = renderCsv(report);
    const slack = renderSlack(report);
    const files = [path.join(opts.reportsDir, 'weekly', `${label}.html`), path.join(opts.reportsDir, 'weekly', `${label}.csv`)];
    writeAtomic(files[0]!, html);
    writeAtomic(files[1]!, csv);
    await markStep(db, REPORT_NAME, label, 'files_written_at');

    const subject = `feexpay-gateway weekly report ${label}: ${integer(report.week.total)} payments, ${percent(report.week.successRate)} success`;
    const email = await channel(
      run.email_sent_at,
      opts.email !== null && opts.email.to.length > 0,
      async () => {
        await sendEmail(opts.email!, { subject, html, text: slack.text.replaceAll('*', ''), csvName: `${label}.csv`, csv });
        await markStep(db, REPORT_NAME, label, 'email_sent_at');
      },
      errors,
      'email',
    );
    const slackOutcome = await channel(
      run.slack_sent_at,
      opts.slackWebhookUrl !== null,
      async () => {
        await postSlack(opts.slackWebhookUrl!, slack);
        await markStep(db, REPORT_NAME, label, 'slack_sent_at');
      },
      errors,
      'slack',
    );

    const complete = errors.length === 0;
    await finishRun(db, REPORT_NAME, label, { complete, error: errors.join('; ') || undefined });
    return { week: label, status: complete ? 'done' : 'incomplete', files, email, slack: slackOutcome, errors, report };
  } catch (err) {
    await finishRun(db, REPORT_NAME, label, { complete: false, error: (err as Error).message });
    throw err;
  }
}
