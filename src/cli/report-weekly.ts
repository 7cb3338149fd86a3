/**
 * `npm run report:weekly [-- --week 2026-W47]`: the weekly report for the past ISO week (or the
 * given one), written to REPORTS_DIR/weekly/ and sent by email (SMTP_URL, ALERT_EMAIL_TO) and to
 * Slack (SLACK_WEBHOOK_URL). Safe to re-run: a week is sent once. Exit 1 if a channel failed.
 */
import { loadConfig } from '../config.ts';
import { createKnex } from '../db/knex.ts';
import { migrateLatest } from '../db/migrate.ts';
import { pastWeek, parseIsoWeek } from '../reports/week.ts';
import { runWeeklyReport } from '../reports/weekly-job.ts';
import { parseCliArgs, UsageError } from './cli-args.ts';
import { runCli } from './run-cli.ts';

const USAGE =
  'usage: npm run report:weekly [-- --week 2026-W47]\n' +
  'Writes the weekly report of the past ISO week (or the given one) to REPORTS_DIR/weekly/ and sends it\n' +
  '(SMTP_URL and ALERT_EMAIL_TO, SLACK_WEBHOOK_URL). A week is sent once; exit 1 if a channel failed.\n';
const { values } = parseCliArgs('report:weekly', USAGE, { week: { type: 'string' } });

function weekOf(arg: string | undefined): ReturnType<typeof pastWeek> {
  if (arg === undefined) return pastWeek();
  try {
    return parseIsoWeek(arg);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function main(): Promise<number> {
  const week = weekOf(values.week);
  const config = loadConfig();
  const db = createKnex({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 4 });
  try {
    // The report_runs table may be newer than the deployed schema when run from a workstation.
    if (config.migrateOnStart) await migrateLatest(db);
    const n = config.notify;
    const result = await runWeeklyReport(db, {
      week,
      reportsDir: config.operators.reportsDir,
      sources: { prometheusUrl: config.operators.prometheusUrl, alertmanagerUrl: config.operators.alertmanagerUrl },
      email: n.smtpUrl ? { smtpUrl: n.smtpUrl, from: n.emailFrom, to: n.emailTo } : null,
      slackWebhookUrl: n.slackWebhookUrl,
    });
    const out = [`weekly report ${result.week}: ${result.status}`];
    if (result.status === 'already_done') out.push('  already sent; nothing to do');
    if (result.status === 'busy') out.push('  another run holds this week; try again later');
    for (const f of result.files) out.push(`  wrote ${f}`);
    if (result.report) out.push(`  email: ${result.email}`, `  slack: ${result.slack}`);
    for (const e of result.errors) out.push(`  error: ${e}`);
    process.stdout.write(`${out.join('\n')}\n`);
    return result.status === 'incomplete' || result.status === 'busy' ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

runCli('report:weekly', main, USAGE);
