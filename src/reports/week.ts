/** ISO weeks (Monday 00:00 UTC to the next Monday): `2026-W47`, and "the past week" by default. */

export interface IsoWeek {
  label: string;
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Monday of ISO week 1: the week that holds the year's first Thursday. */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const dow = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - dow * DAY_MS;
}

function weekOf(time: number): IsoWeek {
  const day = Math.floor(time / DAY_MS) * DAY_MS;
  const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const n = Math.round((monday - week1Monday(year)) / WEEK_MS) + 1;
  return { label: `${year}-W${String(n).padStart(2, '0')}`, start: new Date(monday), end: new Date(monday + WEEK_MS) };
}

export function parseIsoWeek(label: string): IsoWeek {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) throw new Error(`--week must look like 2026-W47, got "${label}"`);
  const year = Number(m[1]);
  const n = Number(m[2]);
  const start = week1Monday(year) + (n - 1) * WEEK_MS;
  const week = weekOf(start);
  if (n < 1 || week.label !== label) throw new Error(`${label} is not a week of ${year}`);
  return week;
}

/** The last complete week before `now`. */
export function pastWeek(now: Date = new Date()): IsoWeek {
  return weekOf(now.getTime() - WEEK_MS);
}

export function previousWeek(week: IsoWeek): IsoWeek {
  return weekOf(week.start.getTime() - WEEK_MS);
}
