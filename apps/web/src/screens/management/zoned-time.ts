// Periods in the organisation's reporting time zone (evaluation's KPI_TIME_ZONE, which every KPI
// report names), not the browser's: "this week" must be the week the figures are counted in.

/** Until a report has named it; the services' default. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const DAY_MS = 86_400_000;

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The local calendar date of an instant, as a UTC midnight (so date arithmetic needs no zone). */
function localDay(instant: number, timeZone: string): number {
  const wall = instant + offsetAt(instant, timeZone);
  return Math.floor(wall / DAY_MS) * DAY_MS;
}

/** The instant a local calendar day (given as its UTC midnight) begins in the zone. */
function startOfDay(utcMidnight: number, timeZone: string): number {
  const guess = utcMidnight - offsetAt(utcMidnight, timeZone);
  return utcMidnight - offsetAt(guess, timeZone);
}

export interface Range {
  readonly from?: string;
  readonly to?: string;
}

export type RangeChoice = 'all' | 'today' | 'week' | 'month' | 'last7' | 'last30' | 'custom';

/** In the order the picker offers them; their names are `kpi.ranges.<value>` (management namespace). */
export const RANGE_CHOICES: readonly { value: RangeChoice }[] = [
  { value: 'today' },
  { value: 'week' },
  { value: 'month' },
  { value: 'last7' },
  { value: 'last30' },
  { value: 'all' },
  { value: 'custom' },
];

/** [from, to) of a named range, as of `now`, in the zone. */
export function rangeOf(choice: Exclude<RangeChoice, 'custom'>, now: number, timeZone: string): Range {
  const iso = (instant: number) => new Date(instant).toISOString();
  const today = localDay(now, timeZone);
  switch (choice) {
    case 'all':
      return {};
    case 'today':
      return { from: iso(startOfDay(today, timeZone)), to: iso(startOfDay(today + DAY_MS, timeZone)) };
    case 'week': {
      const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY_MS;
      return { from: iso(startOfDay(monday, timeZone)), to: iso(startOfDay(monday + 7 * DAY_MS, timeZone)) };
    }
    case 'month': {
      const date = new Date(today);
      const first = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
      const next = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
      return { from: iso(startOfDay(first, timeZone)), to: iso(startOfDay(next, timeZone)) };
    }
    case 'last7':
      return { from: iso(now - 7 * DAY_MS) };
    case 'last30':
      return { from: iso(now - 30 * DAY_MS) };
  }
}

/** The sampling periods of an instant: ISO week (`2026-W48`) and month (`2026-11`), in the zone. */
export function periodsOf(now: number, timeZone: string): { week: string; month: string } {
  const day = localDay(now, timeZone);
  const date = new Date(day);
  const thursday = new Date(day + (3 - ((date.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return {
    week: `${year}-W${String(week).padStart(2, '0')}`,
    month: `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`,
  };
}

/** A `datetime-local` value (browser's clock) as an ISO instant, or undefined when empty or unreadable. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const instant = new Date(value).getTime();
  return Number.isNaN(instant) ? undefined : new Date(instant).toISOString();
}

/** An ISO instant as a `datetime-local` value on the browser's clock, to the second. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
