/**
 * Wall-clock arithmetic in an IANA time zone using only `Intl.DateTimeFormat` (Node ships
 * full ICU). Local dates are counted as whole days since 1970-01-01 and local wall times as
 * "the same digits read as UTC" milliseconds, so date arithmetic never touches a time zone;
 * only the two conversions below do.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

// `format` is several times faster than `formatToParts`; the parts are the fallback should an
// ICU update ever change the en-US layout.
const EN_US_LAYOUT = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

/** The local wall time of `instantMs` in `timeZone`, as UTC milliseconds with the same digits. */
function wallTimeOf(instantMs: number, timeZone: string): number {
  const formatter = formatterFor(timeZone);
  const match = EN_US_LAYOUT.exec(formatter.format(instantMs));
  if (match) {
    const [, month, day, year, hour, minute, second] = match.map(Number);
    return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(formatter.formatToParts(instantMs).find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

const HOUR_MS = 3_600_000;
/** Per time zone, the offset of each UTC hour it holds still through (most hours of most zones). */
const steadyHours = new Map<string, Map<number, number>>();
const STEADY_HOURS_KEPT = 200_000;

/**
 * Milliseconds to add to an instant to read its local wall time (+3_600_000 for CET). Asked
 * thousands of times per KPI report (every deadline recomputed under a business calendar), so
 * the offset of an hour whose first and last second agree is kept: transitions fall on whole
 * seconds, months apart, so such an hour has one offset throughout.
 */
export function offsetAt(instantMs: number, timeZone: string): number {
  const hour = Math.floor(instantMs / HOUR_MS);
  let zone = steadyHours.get(timeZone);
  const kept = zone?.get(hour);
  if (kept !== undefined) return kept;
  const offset = exactOffsetAt(instantMs, timeZone);
  const start = hour * HOUR_MS;
  if (exactOffsetAt(start, timeZone) === offset && exactOffsetAt(start + HOUR_MS - 1000, timeZone) === offset) {
    if (!zone || zone.size >= STEADY_HOURS_KEPT) steadyHours.set(timeZone, (zone = new Map()));
    zone.set(hour, offset);
  }
  return offset;
}

function exactOffsetAt(instantMs: number, timeZone: string): number {
  const wholeSeconds = instantMs - (((instantMs % 1000) + 1000) % 1000);
  return wallTimeOf(instantMs, timeZone) - wholeSeconds;
}

/** The local calendar day of an instant, as days since 1970-01-01. */
export function localDayOf(instantMs: number, timeZone: string): number {
  return Math.floor((instantMs + offsetAt(instantMs, timeZone)) / DAY_MS);
}

/**
 * Converts wall times of one local day to instants.
 *
 * A wall time maps to the earliest instant whose local time is at or after it. So a time the
 * clocks skip (02:30 on a spring-forward night in Berlin) maps to the moment they jump, and a
 * time the clocks repeat (02:30 on a fall-back night) maps to its first occurrence. The mapping
 * is monotonic, so intervals that are ordered and disjoint on the wall clock stay ordered and
 * disjoint as instants, and a day with a skipped hour simply has less business time in it.
 */
export function wallTimesToInstants(day: number, minutesOfDay: readonly number[], timeZone: string): number[] {
  const midnight = day * DAY_MS;
  // Every candidate instant lies within 14 hours of its wall time (the largest UTC offsets).
  // If the offset is the same a day either side, no transition touches this day: one offset
  // serves every wall time. Two transitions within three days do not occur in the tz database.
  const before = offsetAt(midnight - DAY_MS, timeZone);
  const after = offsetAt(midnight + 2 * DAY_MS, timeZone);
  if (before === after) return minutesOfDay.map((minutes) => midnight + minutes * MINUTE_MS - before);
  return minutesOfDay.map((minutes) => instantOfWallTime(midnight + minutes * MINUTE_MS, timeZone));
}

function instantOfWallTime(wallMs: number, timeZone: string): number {
  const before = offsetAt(wallMs - DAY_MS, timeZone);
  const after = offsetAt(wallMs + DAY_MS, timeZone);
  const candidates = [wallMs - before, wallMs - after].filter(
    (instant) => offsetAt(instant, timeZone) === wallMs - instant,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped wall time: find the transition, the first instant whose offset is `after`.
  // `low` is before it (still on the old offset), `high` after it.
  let low = wallMs - after;
  let high = wallMs - before;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle, timeZone) === after) high = middle;
    else low = middle;
  }
  return high;
}
