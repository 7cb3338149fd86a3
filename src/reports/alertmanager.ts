/**
 * Alerts that fired during the week, as Alertmanager knows them. Alertmanager keeps no long
 * history (resolved alerts leave its memory after its retention), so the report says "as known
 * to Alertmanager" rather than claiming completeness.
 */
import { getJson, unavailableReason } from './http-json.ts';
import type { IsoWeek } from './week.ts';

export interface Incident {
  alertname: string;
  severity: string;
  startsAt: string;
  endsAt: string | null;
  state: string;
}

export type Incidents = { available: true; alerts: Incident[] } | { available: false; reason: string };

interface ApiAlert {
  labels?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  status?: { state?: string };
}

export async function weekIncidents(alertmanagerUrl: string | null, week: IsoWeek, now: Date = new Date()): Promise<Incidents> {
  if (!alertmanagerUrl) return { available: false, reason: 'ALERTMANAGER_URL not set' };
  try {
    const answer = await getJson(new URL('/api/v2/alerts', alertmanagerUrl).toString());
    if (!Array.isArray(answer)) throw new Error('unexpected answer');
    const alerts = (answer as ApiAlert[])
      .filter((a) => a.startsAt && Date.parse(a.startsAt) < week.end.getTime())
      .filter((a) => !a.endsAt || Date.parse(a.endsAt) > week.start.getTime())
      .map((a) => {
        const ends = a.endsAt && Date.parse(a.endsAt) <= now.getTime() ? a.endsAt : null;
        return {
          alertname: a.labels?.alertname ?? 'unnamed',
          severity: a.labels?.severity ?? 'none',
          startsAt: a.startsAt!,
          endsAt: ends,
          state: a.status?.state ?? 'unknown',
        };
      })
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    return { available: true, alerts };
  } catch (err) {
    return { available: false, reason: unavailableReason(err) };
  }
}
