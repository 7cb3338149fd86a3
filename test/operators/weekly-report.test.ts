/**
 * The weekly report end to end: real database, a real SMTP server and HTTP stand-ins for Slack,
 * Prometheus and Alertmanager on loopback. A week is sent once, whatever the number of runs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { parseIsoWeek, pastWeek } from '../../src/reports/week.ts';
import { runWeeklyReport, type WeeklyJobOptions } from '../../src/reports/weekly-job.ts';
import { insertPayments, PII, seedMerchant } from './fixtures.ts';
import { decodeQuotedPrintable, startHttp, startSmtp, type HttpStandIn, type Mailbox } from './stand-ins.ts';

let t: TestDatabase;
let smtp: Mailbox;
let slack: HttpStandIn;
let prometheus: HttpStandIn;
let alertmanager: HttpStandIn;
let dir: string;
const at = (iso: string) => new Date(iso);

function prometheusAnswer(url: string) {
  const query = new URL(url, 'http://x').searchParams.get('query') ?? '';
  const pick = query.includes('0.95') ? [2.4, 0.35] : query.includes('0.5,') ? [0.8, 0.1] : [1200, 3400];
  return {
    status: 'success',
    data: {
      resultType: 'vector',
      result: [
        { metric: { operation: 'request_to_pay' }, value: [0, String(pick[0])] },
        { metric: { operation: 'status' }, value: [0, String(pick[1])] },
      ],
    },
  };
}

const ALERTS = [
  { labels: { alertname: 'FeexPaySlowResponses', severity: 'warning' }, startsAt: '2026-11-18T10:00:00Z', endsAt: '2026-11-18T10:40:00Z', status: { state: 'active' } },
  { labels: { alertname: 'OldAlert', severity: 'critical' }, startsAt: '2026-10-01T10:00:00Z', endsAt: '2026-10-01T11:00:00Z', status: { state: 'active' } },
];

before(async () => {
  t = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-reports-'));
  [smtp, slack, prometheus, alertmanager] = await Promise.all([
    startSmtp(),
    startHttp(),
    startHttp(prometheusAnswer),
    startHttp((p) => (p.startsWith('/api/v2/alerts') ? ALERTS : [])),
  ]);
  const m = await seedMerchant(t.db);
  // 2026-W47: Monday 16 to Monday 23 November. 2026-W46: 9 to 16 November.
  await insertPayments(t.db, m, [
    { status: 'successful', amount: 1000, createdAt: at('2026-11-16T08:00:00Z') },
    { status: 'successful', amount: 2000, createdAt: at('2026-11-18T12:00:00Z') },
    { status: 'successful', amount: 3000, network: 'moov', createdAt: at('2026-11-20T12:00:00Z') },
    { status: 'successful', amount: 500, currency: 'XAF', network: 'mtn_cg', createdAt: at('2026-11-22T23:00:00Z') },
    { status: 'failed', amount: 700, failureReason: 'insufficient_funds', createdAt: at('2026-11-17T09:00:00Z') },
    { status: 'failed', amount: 800, network: 'moov', failureReason: 'insufficient_funds', createdAt: at('2026-11-19T09:00:00Z') },
    { status: 'failed', amount: 900, failureReason: 'payer_not_found', createdAt: at('2026-11-21T09:00:00Z') },
    { status: 'expired', amount: 400, createdAt: at('2026-11-19T10:00:00Z'), settledAt: at('2026-11-19T11:00:00Z') },
    { status: 'pending', amount: 100, createdAt: at('2026-11-22T22:00:00Z') },
    // Created in W46, expired early in W47: counts as W46 volume and as a W47 expiry.
    { status: 'expired', amount: 600, network: 'moov', createdAt: at('2026-11-15T23:30:00Z'), settledAt: at('2026-11-16T00:30:00Z') },
    { status: 'successful', amount: 5000, createdAt: at('2026-11-10T10:00:00Z') },
    { status: 'successful', amount: 5000, createdAt: at('2026-11-11T10:00:00Z') },
    { status: 'successful', amount: 5000, createdAt: at('2026-11-12T10:00:00Z') },
    // Outside both weeks.
    { status: 'successful', amount: 77777, createdAt: at('2026-11-23T00:00:00Z') },
  ]);
});
after(async () => {
  await Promise.all([smtp.close(), slack.close(), prometheus.close(), alertmanager.close()]);
  await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const options = (week: string, over: Partial<WeeklyJobOptions> = {}): WeeklyJobOptions => ({
  week: parseIsoWeek(week),
  reportsDir: dir,
  sources: { prometheusUrl: prometheus.url, alertmanagerUrl: alertmanager.url },
  email: { smtpUrl: smtp.url, from: 'reports@gateway.test', to: ['ops@gateway.test'] },
  slackWebhookUrl: `${slack.url}/services/T000/B000/XXXX`,
  now: at('2026-11-24T06:00:00Z'),
  ...over,
});

describe('ISO weeks', () => {
  test('parse and default to the past week', () => {
    assert.equal(parseIsoWeek('2026-W47').start.toISOString(), '2026-11-16T00:00:00.000Z');
    assert.equal(parseIsoWeek('2026-W01').start.toISOString(), '2025-12-29T00:00:00.000Z');
    assert.equal(parseIsoWeek('2026-W53').start.toISOString(), '2026-12-28T00:00:00.000Z');
    assert.throws(() => parseIsoWeek('2025-W53'), /not a week of 2025/);
    assert.throws(() => parseIsoWeek('2026-47'), /must look like/);
    assert.equal(pastWeek(at('2026-11-24T06:00:00Z')).label, '2026-W47');
    assert.equal(pastWeek(at('2027-01-04T00:00:01Z')).label, '2026-W53');
  });
});

describe('weekly report', () => {
  test('first run writes the files, sends one email and one Slack message with the right figures', async () => {
    const result = await runWeeklyReport(t.db, options('2026-W47'));
    assert.deepEqual(result.errors, []);
    assert.equal(result.status, 'done');
    assert.equal(result.email, 'sent');
    assert.equal(result.slack, 'sent');
    const r = result.report!;
    assert.deepEqual(r.week.byStatus, { pending: 1, successful: 4, failed: 3, expired: 1, needs_review: 0 });
    assert.equal(r.week.successRate, 0.5);
    assert.equal(r.previous.successRate, 0.75, 'W46: 3 successful, 1 expired');
    assert.equal(r.trendPoints, -25);
    assert.deepEqual(r.amounts, [
      { currency: 'XAF', network: 'mtn_cg', count: 1, amount: 500 },
      { currency: 'XOF', network: 'moov', count: 1, amount: 3000 },
      { currency: 'XOF', network: 'mtn', count: 2, amount: 3000 },
    ]);
    assert.deepEqual(r.failureReasons, [
      { reason: 'insufficient_funds', count: 2 },
      { reason: 'payer_not_found', count: 1 },
    ]);
    assert.deepEqual(r.expired, [
      { network: 'moov', count: 1, amount: 600 },
      { network: 'mtn', count: 1, amount: 400 },
    ]);
    assert.deepEqual(r.latency, {
      available: true,
      rows: [
        { operation: 'request_to_pay', calls: 1200, p50: 0.8, p95: 2.4 },
        { operation: 'status', calls: 3400, p50: 0.1, p95: 0.35 },
      ],
    });
    assert.ok(r.incidents.available);
    assert.deepEqual(
      r.incidents.alerts.map((a) => a.alertname),
      ['FeexPaySlowResponses'],
    );
    const promQuery = new URL(prometheus.requests[0]!.path, 'http://x').searchParams.get('query') ?? '';
    assert.match(promQuery, /feexpay_api_request_duration_seconds/);

    const html = fs.readFileSync(path.join(dir, 'weekly', '2026-W47.html'), 'utf8');
    assert.match(html, /<td[^>]*>Success rate<\/td><td[^>]*>50\.0%<\/td>/);
    assert.match(html, /-25\.0 pts/);
    assert.match(html, /FeexPaySlowResponses/);
    const csv = fs.readFileSync(path.join(dir, 'weekly', '2026-W47.csv'), 'utf8');
    assert.match(csv, /^week,section,name,currency,network,count,amount,value\r\n/);
    assert.match(csv, /\r\n2026-W47,collected,total,XOF,,3,6000,\r\n/);
    assert.match(csv, /\r\n2026-W47,failure_reason,insufficient_funds,,,2,,\r\n/);

    assert.equal(smtp.messages.length, 1);
    const mail = decodeQuotedPrintable(smtp.messages[0]!.raw);
    assert.deepEqual(smtp.messages[0]!.to, ['ops@gateway.test']);
    assert.match(mail, /Subject: feexpay-gateway weekly report 2026-W47: 9 payments, 50\.0% success/);
    assert.match(mail, /text\/html/);
    assert.match(smtp.messages[0]!.raw, /filename=2026-W47\.csv/);
    assert.equal(slack.requests.length, 1);
    assert.equal(slack.requests[0]!.path, '/services/T000/B000/XXXX');
    const slackText = JSON.parse(slack.requests[0]!.body).text as string;
    assert.match(slackText, /success rate 50\.0% \(-25\.0 pts vs 2026-W46\)/);
    assert.match(slackText, /Collected: 500 XAF, 6,000 XOF/);

    for (const text of [html, csv, mail, slackText]) {
      for (const value of Object.values(PII)) assert.equal(text.includes(value), false, value);
    }
  });

  test('a week that has not ended is refused, and nothing is recorded for it', async () => {
    await assert.rejects(runWeeklyReport(t.db, options('2026-W48')), /2026-W48 has not ended yet/);
    assert.equal((await t.db('report_runs').where({ period: '2026-W48' })).length, 0);
  });

  test('a second run for the same week sends nothing', async () => {
    const again = await runWeeklyReport(t.db, options('2026-W47'));
    assert.equal(again.status, 'already_done');
    assert.equal(smtp.messages.length, 1);
    assert.equal(slack.requests.length, 1);
    const runs = await t.db('report_runs').where({ period: '2026-W47' });
    assert.equal(runs.length, 1);
    assert.equal(runs[0].attempts, 1);
  });

  test('a run that fails half-way sends only what is missing next time', async () => {
    slack.status = 500;
    const first = await runWeeklyReport(t.db, options('2026-W46'));
    assert.equal(first.status, 'incomplete');
    assert.equal(first.email, 'sent');
    assert.equal(first.slack, 'failed');
    assert.match(first.errors[0]!, /slack: Slack answered HTTP 500/);
    slack.status = 200;
    const second = await runWeeklyReport(t.db, options('2026-W46'));
    assert.equal(second.status, 'done');
    assert.equal(second.email, 'already_sent');
    assert.equal(second.slack, 'sent');
    assert.equal(smtp.messages.filter((m) => m.raw.includes('Subject: feexpay-gateway weekly report 2026-W46:')).length, 1, 'one email for W46');
  });

  test('Prometheus and Alertmanager out of reach: the report says "not available" and still goes out', async () => {
    const closed = await startHttp();
    await closed.close();
    const result = await runWeeklyReport(t.db, options('2026-W45', { sources: { prometheusUrl: closed.url, alertmanagerUrl: closed.url }, slackWebhookUrl: null }));
    assert.equal(result.status, 'done');
    assert.equal(result.slack, 'not_configured');
    assert.deepEqual(result.report!.latency, { available: false, reason: 'connection refused' });
    const html = fs.readFileSync(path.join(dir, 'weekly', '2026-W45.html'), 'utf8');
    assert.match(html, /FeexPay latency<\/h2>\s*<p>not available \(connection refused\)<\/p>/);
    assert.match(html, /Incidents<\/h2>\s*<p>not available/);
  });
});
