// Reviews read figures per local day, ISO week and month of the organisation, not of UTC.
import { GRANULARITIES, type Granularity } from '@handoff/contracts';
import { DAY_MS, localDayOf, offsetAt, wallTimesToInstants } from './time-zone';

export { GRANULARITIES, type Granularity } from '@handoff/contracts';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Days since 1970-01-01 → its calendar date (proleptic Gregorian, read as UTC). */
function dateOfDay(day: number): { year: number; month: number; date: number; weekday: number } {
  const at = new Date(day * DAY_MS);
  // getUTCDay: 0 is Sunday; ISO weekdays run Monday 1 to Sunday 7.
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, date: at.getUTCDate(), weekday: ((at.getUTCDay() + 6) % 7) + 1 };
}

const dayOf = (year: number, month: number, date: number): number => Date.UTC(year, month - 1, date) / DAY_MS;

/** ISO 8601 week of a local day: weeks start on Monday and belong to the year of their Thursday. */
function isoWeekOf(day: number): { year: number; week: number } {
  const { weekday } = dateOfDay(day);
  const thursday = day - weekday + 4;
  const year = dateOfDay(thursday).year;
  return { year, week: Math.floor((thursday - dayOf(year, 1, 1)) / 7) + 1 };
}

/** The local hour (0–23) of an instant. */
export function hourOf(instant: string, timeZone: string): number {
  const ms = Date.parse(instant);
  const wall = ms + offsetAt(ms, timeZone);
  return Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000);
}

/** The period label of an instant: `2025-03-04`, `2025-W10` or `2025-03`, in the time zone. */
export function periodOf(instant: string, granularity: Granularity, timeZone: string): string {
  const day = localDayOf(Date.parse(instant), timeZone);
  if (granularity === 'week') {
    const { year, week } = isoWeekOf(day);
    return `${year}-W${pad(week)}`;
  }
  const { year, month, date } = dateOfDay(day);
  return granularity === 'month' ? `${year}-${pad(month)}` : `${year}-${pad(month)}-${pad(date)}`;
}

const LABELS: Record<Granularity, RegExp> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  week: /^(\d{4})-W(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
};

export function granularityOf(label: string): Granularity | undefined {
  return GRANULARITIES.find((granularity) => LABELS[granularity].test(label));
}

/** The local days [first, afterLast) a period label covers, or undefined for a label that is no real period. */
function daysOf(label: string): { first: number; afterLast: number } | undefined {
  const granularity = granularityOf(label);
  if (!granularity) return undefined;
  const [, a, b, c] = LABELS[granularity].exec(label)!.map(Number);
  if (granularity === 'day') {
    const first = dayOf(a, b, c);
    return periodOfDay(first, 'day') === label ? { first, afterLast: first + 1 } : undefined;
  }
  if (granularity === 'month') return b >= 1 && b <= 12 ? { first: dayOf(a, b, 1), afterLast: dayOf(a, b + 1, 1) } : undefined;
  // Week 1 is the week holding 4 January.
  const fourth = dayOf(a, 1, 4);
  const first = fourth - (dateOfDay(fourth).weekday - 1) + (b - 1) * 7;
  return b >= 1 && isoWeekOf(first).year === a && isoWeekOf(first).week === b ? { first, afterLast: first + 7 } : undefined;
}

function periodOfDay(day: number, granularity: Granularity): string {
  const { year, month, date } = dateOfDay(day);
  return granularity === 'day' ? `${year}-${pad(month)}-${pad(date)}` : `${year}-${pad(month)}`;
}

/** Whether the label names a real day, ISO week or month (`2025-W53` does not exist; `2026-W53` does). */
export const isPeriod = (label: string): boolean => daysOf(label) !== undefined;

/** The instants [start, end) a period covers in the time zone: from local midnight of its first day. */
export function periodBounds(label: string, timeZone: string): { start: string; end: string } {
  const days = daysOf(label);
  if (!days) throw new RangeError(`not a period: ${label}`);
  const midnight = (day: number) => new Date(wallTimesToInstants(day, [0], timeZone)[0]).toISOString();
  return { start: midnight(days.first), end: midnight(days.afterLast) };
}
