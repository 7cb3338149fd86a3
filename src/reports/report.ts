/** The weekly report as data: what every output (HTML, CSV, Slack) is rendered from. */
import type { Knex } from 'knex';
import { weekIncidents, type Incidents } from './alertmanager.ts';
import { feexpayLatency, type Latency } from './prometheus.ts';
import { previousWeek, type IsoWeek } from './week.ts';
import { weeklyData, type WeeklyData } from './weekly-data.ts';

export interface WeeklyReport extends WeeklyData {
  label: string;
  start: string;
  end: string;
  previousLabel: string;
  /** Change of the success rate against the week before, in percentage points. */
  trendPoints: number | null;
  latency: Latency;
  incidents: Incidents;
  generatedAt: string;
}

export interface ReportSources {
  prometheusUrl: string | null;
  alertmanagerUrl: string | null;
}

export async function buildWeeklyReport(db: Knex, week: IsoWeek, sources: ReportSources, now: Date = new Date()): Promise<WeeklyReport> {
  const previous = previousWeek(week);
  const [data, latency, incidents] = await Promise.all([
    weeklyData(db, week, previous),
    feexpayLatency(sources.prometheusUrl, week),
    weekIncidents(sources.alertmanagerUrl, week, now),
  ]);
  const a = data.week.successRate;
  const b = data.previous.successRate;
  return {
    ...data,
    label: week.label,
    start: week.start.toISOString(),
    end: week.end.toISOString(),
    previousLabel: previous.label,
    trendPoints: a === null || b === null ? null : Math.round((a - b) * 1000) / 10,
    latency,
    incidents,
    generatedAt: now.toISOString(),
  };
}

export const percent = (r: number | null) => (r === null ? 'n/a' : `${(r * 100).toFixed(1)}%`);
export const seconds = (s: number | null) => (s === null ? 'n/a' : `${s.toFixed(2)} s`);
export const trend = (p: number | null) => (p === null ? 'no comparison' : `${p > 0 ? '+' : ''}${p.toFixed(1)} pts`);

/** Collected amounts summed per currency (amounts of different currencies never add up). */
export function totalsByCurrency(r: WeeklyReport): { currency: string; count: number; amount: number }[] {
  return sumByCurrency(r.amounts);
}

export function sumByCurrency(rows: WeeklyReport['amounts']): { currency: string; count: number; amount: number }[] {
  const m = new Map<string, { currency: string; count: number; amount: number }>();
  for (const row of rows) {
    const t = m.get(row.currency) ?? { currency: row.currency, count: 0, amount: 0 };
    t.count += row.count;
    t.amount += row.amount;
    m.set(row.currency, t);
  }
  return [...m.values()];
}
