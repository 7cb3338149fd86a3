/**
 * `npm run report:weekly [-- --week 2026-W47]`: the weekly report for the past ISO week (or the
 * given one), written to REPORTS_DIR/weekly/ and sent by email (SMTP_URL, ALERT_EMAIL_TO) and to
 * Slack (SLACK_WEBHOOK_URL). Safe to re-run: a week is sent once. Exit 1 if a channel failed.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createKnex } from '../db/knex.ts';
import { migrateLatest } from '../db/migrate.ts';
import { pastWeek, parseIsoWeek } from '../reports/week.ts';
import { runWeeklyReport } from '../reports/weekly-job.ts';
import { runCli } from './run-cli.ts';

const { values } = parseArgs({ options: { week: { type: 'string' } }, strict: true });

async function main(): Promise<number> {
  const config = loadConfig();
  const week = values.week ? parseIsoWeek(values.week) : pastWeek();
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

runCli('report:weekly', main);
