/** The weekly report as a short Slack message (incoming webhook, mrkdwn). */
import { integer } from './integer.ts';
import { percent, seconds, sumByCurrency, totalsByCurrency, trend, type WeeklyReport } from './report.ts';

export function renderSlack(r: WeeklyReport): { text: string } {
  const collected =
    totalsByCurrency(r)
      .map((t) => `${integer(t.amount)} ${t.currency}`)
      .join(', ') || 'nothing';
  const reasons =
    r.failureReasons
      .slice(0, 3)
      .map((f) => `${f.reason} ${integer(f.count)}`)
      .join(', ') || 'none';
  const expired = r.expired.reduce((n, e) => n + e.count, 0);
  const latency = r.latency.available ? r.latency.rows.map((l) => `${l.operation} p95 ${seconds(l.p95)}`).join(', ') || 'no calls' : 'not available';
  const paidOut =
    sumByCurrency(r.payouts.paidOut)
      .map((t) => `${integer(t.amount)} ${t.currency}`)
      .join(', ') || 'nothing';
  const incidents = r.incidents.available ? String(r.incidents.alerts.length) : 'not available';
  const lines = [
    `*feexpay-gateway weekly report ${r.label}*`,
    `Payments: ${integer(r.week.total)} · success rate ${percent(r.week.successRate)} (${trend(r.trendPoints)} vs ${r.previousLabel})`,
    `Collected: ${collected}`,
    `Failures: ${integer(r.week.byStatus.failed)} (${reasons}) · expired: ${integer(expired)}`,
    `Payouts: ${integer(r.payouts.total)} · paid out ${paidOut} · failed ${integer(r.payouts.byStatus.failed)} · under review ${integer(r.payouts.byStatus.needs_review)}`,
    `FeexPay latency: ${latency} · incidents: ${incidents}`,
  ];
  return { text: lines.join('\n') };
}
