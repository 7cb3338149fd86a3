/** The weekly report as an HTML email: tables with inline styles, as mail clients need. */
import { PAYOUT_STATUSES } from '../domain/payouts.ts';
import { integer } from './integer.ts';
import { percent, seconds, totalsByCurrency, trend, type WeeklyReport } from './report.ts';

const esc = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const TH = 'style="text-align:left;padding:4px 10px;background:#f0f2f5;border-bottom:1px solid #dde1e6"';
const TD = 'style="padding:4px 10px;border-bottom:1px solid #eceff2"';

function table(head: string[], rows: (string | number)[][], empty: string): string {
  if (rows.length === 0) return `<p style="color:#555">${esc(empty)}</p>`;
  const h = head.map((x) => `<th ${TH}>${esc(x)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td ${TD}>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table style="border-collapse:collapse;border:1px solid #dde1e6;margin-bottom:12px">${h ? `<tr>${h}</tr>` : ''}${body}</table>`;
}

export function renderHtml(r: WeeklyReport): string {
  const s = r.week.byStatus;
  const h2 = (t: string) => `<h2 style="font-size:16px;margin:18px 0 6px">${esc(t)}</h2>`;
  const latency = r.latency.available
    ? table(
        ['Operation', 'Calls', 'p50', 'p95'],
        r.latency.rows.map((l) => [l.operation, integer(l.calls), seconds(l.p50), seconds(l.p95)]),
        'No FeexPay calls recorded.',
      )
    : `<p>not available (${esc(r.latency.reason)})</p>`;
  const incidents = r.incidents.available
    ? table(
        ['Alert', 'Severity', 'Started (UTC)', 'Ended (UTC)'],
        r.incidents.alerts.map((a) => [a.alertname, a.severity, a.startsAt, a.endsAt ?? 'still firing']),
        'No alert fired, as known to Alertmanager.',
      )
    : `<p>not available (${esc(r.incidents.reason)})</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Weekly report ${esc(r.label)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1b1b1b;font-size:14px">
<h1 style="font-size:20px">feexpay-gateway weekly report ${esc(r.label)}</h1>
<p>${esc(r.start.slice(0, 10))} to ${esc(r.end.slice(0, 10))} (UTC, end excluded)</p>
${h2('Volume')}
${table(
  [],
  [
    ['Payments', integer(r.week.total)],
    ['Successful', integer(s.successful)],
    ['Failed', integer(s.failed)],
    ['Expired', integer(s.expired)],
    ['Still pending', integer(s.pending)],
    ['Success rate', percent(r.week.successRate)],
    [`Success rate ${r.previousLabel}`, percent(r.previous.successRate)],
    ['Trend', trend(r.trendPoints)],
  ],
  '',
)}
${h2('Collected (successful payments)')}
${table(
  ['Currency', 'Payments', 'Amount'],
  totalsByCurrency(r).map((t) => [t.currency, integer(t.count), integer(t.amount)]),
  'Nothing collected.',
)}
${table(
  ['Currency', 'Network', 'Payments', 'Amount'],
  r.amounts.map((a) => [a.currency, a.network, integer(a.count), integer(a.amount)]),
  '',
)}
${h2('Failure reasons')}
${table(
  ['Reason', 'Payments'],
  r.failureReasons.map((f) => [f.reason, integer(f.count)]),
  'No failed payment.',
)}
${h2('Pending payments that expired')}
${table(
  ['Network', 'Payments', 'Amount'],
  r.expired.map((e) => [e.network, integer(e.count), integer(e.amount)]),
  'None expired.',
)}
${h2('Payouts (money sent out)')}
${table([], [['Payouts', integer(r.payouts.total)], ...PAYOUT_STATUSES.map((st) => [st, integer(r.payouts.byStatus[st])])], '')}
${table(
  ['Currency', 'Network', 'Payouts', 'Paid out'],
  r.payouts.paidOut.map((a) => [a.currency, a.network, integer(a.count), integer(a.amount)]),
  'Nothing paid out.',
)}
${h2('FeexPay latency')}
${latency}
${h2('Incidents')}
${incidents}
<p style="color:#777;font-size:12px">Generated ${esc(r.generatedAt)}. Success rate = successful / (successful + failed + expired).</p>
</body></html>
`;
}
