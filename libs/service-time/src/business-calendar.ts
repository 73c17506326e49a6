import { z } from 'zod';
import { DAY_MS, MINUTE_MS, isKnownTimeZone, localDayOf, wallTimesToInstants } from './time-zone';
import { parseOrFail } from './validation';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** 'HH:MM' on the 24-hour clock; an interval may end at '24:00'. */
export type WallClockTime = string;

export interface BusinessInterval {
  readonly start: WallClockTime;
  readonly end: WallClockTime;
}

/**
 * When an organisation is open, in its own time zone. A shift past midnight is two intervals:
 * `{ start: '22:00', end: '24:00' }` on one day and `{ start: '00:00', end: '06:00' }` on the next.
 */
export interface BusinessCalendar {
  /** IANA name, e.g. 'Asia/Shanghai'. Daylight saving follows the tz database. */
  readonly timeZone: string;
  readonly workingHours: Readonly<Record<Weekday, readonly BusinessInterval[]>>;
  /** Local dates ('YYYY-MM-DD') closed all day. */
  readonly holidays: readonly string[];
}

const allDay = [{ start: '00:00', end: '24:00' }] as const;

/** Every minute counts: for organisations that measure deadlines in clock time. */
export const ALWAYS_OPEN: BusinessCalendar = {
  timeZone: 'UTC',
  workingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  holidays: [],
};

const officeDay = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
] as const;

/**
 * A mainland-China office week: Monday to Friday, 09:00–12:00 and 13:00–18:00 Beijing time
 * (8 business hours a day), no holidays. It is a starting point, not a promise: public
 * holidays change every year and must be configured. Make-up working weekends (调休) cannot be
 * expressed yet; they are ordinary closed weekend days here.
 */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  workingHours: { mon: officeDay, tue: officeDay, wed: officeDay, thu: officeDay, fri: officeDay, sat: [], sun: [] },
  holidays: [],
};

// ---------------------------------------------------------------------------------------------
// Validation

const minutesOfDay = (time: WallClockTime): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const START = /^([01]\d|2[0-3]):[0-5]\d$/;
const END = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const intervalSchema = z
  .strictObject({
    start: z.string().regex(START, 'must be HH:MM from 00:00 to 23:59'),
    end: z.string().regex(END, 'must be HH:MM from 00:01 to 24:00'),
  })
  .superRefine(({ start, end }, context) => {
    // Malformed times are already reported; comparing them would only add noise.
    if (START.test(start) && END.test(end) && minutesOfDay(end) <= minutesOfDay(start)) {
      context.addIssue({
        code: 'custom',
        path: ['end'],
        message: `must be after start ${start} (split a shift past midnight into ...–24:00 and 00:00–... on the next day)`,
      });
    }
  });

const daySchema = z.array(intervalSchema).superRefine((intervals, context) => {
  const ordered = intervals
    .map((interval, index) => ({ index, start: minutesOfDay(interval.start), end: minutesOfDay(interval.end), interval }))
    .filter(({ interval, start, end }) => START.test(interval.start) && END.test(interval.end) && start < end)
    .sort((a, b) => a.start - b.start || a.index - b.index);
  for (let i = 1; i < ordered.length; i++) {
    const previous = ordered[i - 1]!;
    const current = ordered[i]!;
    if (current.start < previous.end) {
      const later = Math.max(previous.index, current.index);
      const earlier = later === current.index ? previous : current;
      context.addIssue({
        code: 'custom',
        path: [later],
        message: `overlaps [${earlier.index}] ${earlier.interval.start}–${earlier.interval.end}`,
      });
    }
  }
});

const workingHoursSchema = z
  .strictObject({
    mon: daySchema,
    tue: daySchema,
    wed: daySchema,
    thu: daySchema,
    fri: daySchema,
    sat: daySchema,
    sun: daySchema,
  })
  .superRefine((week, context) => {
    if (WEEKDAYS.every((weekday) => week[weekday].length === 0)) {
      context.addIssue({ code: 'custom', message: 'must open at least one interval in the week' });
    }
  });

const holidaysSchema = z
  .array(z.iso.date('must be a real calendar date YYYY-MM-DD'))
  .superRefine((dates, context) => {
    const seen = new Set<string>();
    dates.forEach((date, index) => {
      if (seen.has(date)) context.addIssue({ code: 'custom', path: [index], message: `${date} is listed twice` });
      seen.add(date);
    });
  });

export const businessCalendarSchema = z.strictObject({
  timeZone: z.string().superRefine((timeZone, context) => {
    if (!isKnownTimeZone(timeZone)) {
      context.addIssue({ code: 'custom', message: `unknown time zone '${timeZone}' (use an IANA name like Europe/Berlin)` });
    }
  }),
  workingHours: workingHoursSchema,
  holidays: holidaysSchema,
});

/**
 * Validates a calendar from configuration or a request. Throws `ValidationFailed` naming each
 * bad field (`workingHours.mon[0].end`) in its message and in `errors`.
 */
export function parseBusinessCalendar(input: unknown): BusinessCalendar {
  return parseOrFail(businessCalendarSchema, input, 'business calendar');
}

// ---------------------------------------------------------------------------------------------
// Calculation. Business time is real elapsed time inside opening intervals, so a day whose
// clocks spring forward has an hour less of it when the skipped hour falls inside an interval.
// Each function validates a calendar object the first time it sees it (an invalid one throws
// the same ValidationFailed as parseBusinessCalendar) and caches its compiled form: reuse objects.

/** [opens, closes) as epoch milliseconds. */
type OpenSpan = readonly [opens: number, closes: number];

interface CompiledCalendar {
  readonly timeZone: string;
  /** Minutes of the day, indexed like WEEKDAYS. */
  readonly boundaries: readonly (readonly number[])[];
  readonly holidays: ReadonlySet<number>;
  readonly quietDaysBound: number;
  readonly spans: Map<number, readonly OpenSpan[]>;
  readonly totals: DayTotals;
}

/**
 * The business milliseconds of each local day, for the days a long span crosses whole: a clock
 * paused months ago is counted again at every KPI request (policy=now), and reading one number a
 * day instead of the day's spans made that count cheap. Days since 1970 index the array from
 * `first`; -1 is a day not worked out yet.
 */
interface DayTotals {
  first: number;
  values: Float64Array;
}

const compiledCalendars = new WeakMap<BusinessCalendar, CompiledCalendar>();
const SPAN_CACHE_DAYS = 4096;
/** About 180 years of days (512 KiB); a day outside a window that large is worked out each time. */
const DAY_TOTALS_KEPT = 1 << 16;

/** Validates a calendar once per object, so every function here may trust its data. */
function compile(calendar: BusinessCalendar): CompiledCalendar {
  let compiled = compiledCalendars.get(calendar);
  if (compiled) return compiled;
  const valid = parseBusinessCalendar(calendar);
  compiled = {
    timeZone: valid.timeZone,
    boundaries: WEEKDAYS.map((weekday) =>
      [...valid.workingHours[weekday]]
        .sort((a, b) => minutesOfDay(a.start) - minutesOfDay(b.start))
        .flatMap(({ start, end }) => [minutesOfDay(start), minutesOfDay(end)]),
    ),
    holidays: new Set(valid.holidays.map((date) => Date.parse(`${date}T00:00:00Z`) / DAY_MS)),
    // A week with no business time needs a holiday (or, at most once, an interval lost to a
    // skipped hour); more consecutive quiet days than this means there is none left to find.
    quietDaysBound: (valid.holidays.length + 3) * WEEKDAYS.length,
    spans: new Map(),
    totals: { first: 0, values: new Float64Array(0) },
  };
  compiledCalendars.set(calendar, compiled);
  return compiled;
}

/** 1970-01-01 was a Thursday. */
const weekdayIndexOf = (day: number): number => (((day + 3) % 7) + 7) % 7;

function openSpansOn(calendar: CompiledCalendar, day: number): readonly OpenSpan[] {
  const cached = calendar.spans.get(day);
  if (cached) return cached;
  const boundaries = calendar.holidays.has(day) ? [] : calendar.boundaries[weekdayIndexOf(day)]!;
  const instants = boundaries.length > 0 ? wallTimesToInstants(day, boundaries, calendar.timeZone) : [];
  const spans: OpenSpan[] = [];
  for (let i = 0; i < instants.length; i += 2) {
    if (instants[i]! < instants[i + 1]!) spans.push([instants[i]!, instants[i + 1]!]);
  }
  if (calendar.spans.size >= SPAN_CACHE_DAYS) calendar.spans.clear();
  calendar.spans.set(day, spans);
  return spans;
}

/** A local day's business time in milliseconds: the length of its open spans. */
function businessMillisOn(calendar: CompiledCalendar, day: number): number {
  const totals = calendar.totals;
  let index = day - totals.first;
  if (index < 0 || index >= totals.values.length) {
    // Grown by half as much again each time, toward the day asked for, so a walk day after day grows it a few times only.
    const grow = Math.max(366, totals.values.length >> 1);
    const kept = totals.values.length > 0;
    const first = Math.min(kept ? totals.first : day, day - grow);
    const end = Math.max(kept ? totals.first + totals.values.length : day, day + grow);
    if (end - first > DAY_TOTALS_KEPT) return totalOf(openSpansOn(calendar, day));
    const values = new Float64Array(end - first).fill(-1);
    if (kept) values.set(totals.values, totals.first - first);
    totals.first = first;
    totals.values = values;
    index = day - first;
  }
  let total = totals.values[index]!;
  if (total < 0) totals.values[index] = total = totalOf(openSpansOn(calendar, day));
  return total;
}

const totalOf = (spans: readonly OpenSpan[]): number => spans.reduce((sum, [opens, closes]) => sum + closes - opens, 0);

function millisecondsOf(date: Date, name: string): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is an invalid date`);
  return ms;
}

/**
 * The instant at which `minutes` of business time have elapsed since `start`. Counting starts
 * at `start` if the organisation is open then, otherwise at its next opening; so 0 minutes
 * gives that starting instant. A result landing exactly on a closing time stays there rather
 * than moving to the next opening.
 */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date {
  const from = millisecondsOf(start, 'start');
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`minutes must be a finite number of at least 0, got ${minutes}`);
  }
  const compiled = compile(calendar);
  let remaining = Math.round(minutes * MINUTE_MS);
  let quietDays = 0;
  // Starting a day early covers a fall-back across midnight, where the previous local date's
  // intervals can still lie after `start`.
  const firstDay = localDayOf(from, compiled.timeZone) - 1;
  for (let day = firstDay; ; day++) {
    let open = false;
    // Two local dates on, every span is after `start`: a day that cannot reach the end is taken
    // whole, by its total, and only the day that does is walked span by span.
    const whole = day > firstDay + 2 ? businessMillisOn(compiled, day) : Infinity;
    if (whole < remaining) {
      remaining -= whole;
      open = whole > 0;
    } else {
      for (const [opens, closes] of openSpansOn(compiled, day)) {
        if (closes <= from) continue;
        open = true;
        const begin = Math.max(opens, from);
        if (remaining <= closes - begin) return new Date(begin + remaining);
        remaining -= closes - begin;
      }
    }
    quietDays = open ? 0 : quietDays + 1;
    if (quietDays > compiled.quietDaysBound) {
      throw new RangeError(`business calendar has no opening after ${start.toISOString()}`);
    }
  }
}

/**
 * Business minutes in [from, to), fractional if the instants are not whole minutes apart;
 * negative when `to` is before `from`.
 */
export function businessMinutesBetween(from: Date, to: Date, calendar: BusinessCalendar): number {
  const fromMs = millisecondsOf(from, 'from');
  const toMs = millisecondsOf(to, 'to');
  if (toMs < fromMs) return -businessMinutesBetween(to, from, calendar);
  const compiled = compile(calendar);
  let total = 0;
  const firstDay = localDayOf(fromMs, compiled.timeZone) - 1;
  const lastDay = localDayOf(toMs, compiled.timeZone) + 1;
  const overlapOn = (day: number) => {
    for (const [opens, closes] of openSpansOn(compiled, day)) {
      const overlap = Math.min(closes, toMs) - Math.max(opens, fromMs);
      if (overlap > 0) total += overlap;
    }
  };
  // Two local dates after `from`'s and before `to`'s, a day lies wholly between them: its total
  // counts. The three days at either end are walked span by span.
  const wholeFrom = firstDay + 3;
  const wholeTo = lastDay - 3;
  if (wholeTo < wholeFrom) {
    for (let day = firstDay; day <= lastDay; day++) overlapOn(day);
  } else {
    for (let day = firstDay; day < wholeFrom; day++) overlapOn(day);
    for (let day = wholeFrom; day <= wholeTo; day++) total += businessMillisOn(compiled, day);
    for (let day = wholeTo + 1; day <= lastDay; day++) overlapOn(day);
  }
  return total / MINUTE_MS;
}

/** Whether the organisation is open at `at`: opening times included, closing times excluded. */
export function isWithinBusinessHours(at: Date, calendar: BusinessCalendar): boolean {
  const ms = millisecondsOf(at, 'at');
  const compiled = compile(calendar);
  const day = localDayOf(ms, compiled.timeZone);
  for (let candidate = day - 1; candidate <= day + 1; candidate++) {
    if (openSpansOn(compiled, candidate).some(([opens, closes]) => opens <= ms && ms < closes)) return true;
  }
  return false;
}
