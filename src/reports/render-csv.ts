/** The weekly report as CSV: one figure per row, so a spreadsheet can pivot it. */
import { totalsByCurrency, type WeeklyReport } from './report.ts';

type Cell = string | number | null;

const cell = (v: Cell) => {
  const s = v === null ? '' : String(v);
  // Quote when needed, and defuse spreadsheet formulas in text cells.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export function renderCsv(r: WeeklyReport): string {
  const rows: Cell[][] = [['week', 'section', 'name', 'currency', 'network', 'count', 'amount', 'value']];
  const add = (section: string, name: string, o: { currency?: string; network?: string; count?: number; amount?: number; value?: number | string | null }) =>
    rows.push([r.label, section, name, o.currency ?? null, o.network ?? null, o.count ?? null, o.amount ?? null, o.value ?? null]);
  add('volume', 'payments', { count: r.week.total });
  for (const [status, n] of Object.entries(r.week.byStatus)) add('volume', status, { count: n });
  add('success_rate', r.label, { value: r.week.successRate });
  add('success_rate', r.previousLabel, { value: r.previous.successRate });
  add('success_rate', 'trend_points', { value: r.trendPoints });
  for (const t of totalsByCurrency(r)) add('collected', 'total', { currency: t.currency, count: t.count, amount: t.amount });
  for (const a of r.amounts) add('collected', 'by_network', { currency: a.currency, network: a.network, count: a.count, amount: a.amount });
  for (const f of r.failureReasons) add('failure_reason', f.reason, { count: f.count });
  for (const e of r.expired) add('expired', 'by_network', { network: e.network, count: e.count, amount: e.amount });
  add('payouts', 'payouts', { count: r.payouts.total });
  for (const [status, n] of Object.entries(r.payouts.byStatus)) add('payouts', status, { count: n });
  for (const a of r.payouts.paidOut) add('paid_out', 'by_network', { currency: a.currency, network: a.network, count: a.count, amount: a.amount });
  if (r.latency.available) {
    for (const l of r.latency.rows) {
      add('feexpay_latency', `${l.operation}_p50_seconds`, { count: l.calls, value: l.p50 });
      add('feexpay_latency', `${l.operation}_p95_seconds`, { count: l.calls, value: l.p95 });
    }
  } else add('feexpay_latency', 'not_available', { value: r.latency.reason });
  if (r.incidents.available) {
    for (const a of r.incidents.alerts) add('incident', a.alertname, { value: `${a.severity} ${a.startsAt}` });
  } else add('incident', 'not_available', { value: r.incidents.reason });
  return `${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
