import { seededRandom, ValidationFailed } from '@handoff/contracts';
import {
  ALWAYS_OPEN,
  DEFAULT_CALENDAR,
  WEEKDAYS,
  addBusinessMinutes,
  businessMinutesBetween,
  isWithinBusinessHours,
  parseBusinessCalendar,
  type BusinessCalendar,
  type BusinessInterval,
  type Weekday,
} from './business-calendar';

const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

function calendar(
  timeZone: string,
  days: Partial<Record<Weekday, readonly BusinessInterval[]>>,
  holidays: readonly string[] = [],
): BusinessCalendar {
  const workingHours = Object.fromEntries(WEEKDAYS.map((weekday) => [weekday, days[weekday] ?? []]));
  return { timeZone, workingHours: workingHours as BusinessCalendar['workingHours'], holidays };
}

const nineToFive = [{ start: '09:00', end: '17:00' }];
const officeWeek = (timeZone: string) =>
  calendar(timeZone, { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive });
const sundaysOnly = (timeZone: string, hours: readonly BusinessInterval[]) => calendar(timeZone, { sun: hours });

// DEFAULT_CALENDAR is Asia/Shanghai (UTC+8, no daylight saving): Mon–Fri 09:00–12:00, 13:00–18:00.
// 2025-06-02 is a Monday.
describe('addBusinessMinutes on the default calendar', () => {
  it.each([
    ['within a morning', '2025-06-02T09:30:00+08:00', 60, '2025-06-02T10:30:00+08:00'],
    ['across lunch', '2025-06-02T11:45:00+08:00', 30, '2025-06-02T13:15:00+08:00'],
    ['to exactly closing time, not the next opening', '2025-06-02T17:00:00+08:00', 60, '2025-06-02T18:00:00+08:00'],
    ['across a night', '2025-06-02T17:30:00+08:00', 60, '2025-06-03T09:30:00+08:00'],
    ['across a weekend', '2025-06-06T17:00:00+08:00', 120, '2025-06-09T10:00:00+08:00'],
    ['from before opening', '2025-06-02T07:00:00+08:00', 30, '2025-06-02T09:30:00+08:00'],
    ['from lunch', '2025-06-02T12:30:00+08:00', 30, '2025-06-02T13:30:00+08:00'],
    ['from a Saturday', '2025-06-07T10:00:00+08:00', 30, '2025-06-09T09:30:00+08:00'],
    ['from a Friday night', '2025-06-06T22:00:00+08:00', 30, '2025-06-09T09:30:00+08:00'],
    ['from a second that is not a whole minute', '2025-06-02T09:00:30.250+08:00', 1, '2025-06-02T09:01:30.250+08:00'],
  ])('given a start %s, when adding minutes, then the deadline falls in business time', (_, start, minutes, due) => {
    expect(iso(addBusinessMinutes(at(start), minutes, DEFAULT_CALENDAR))).toBe(iso(at(due)));
  });

  it('given 0 minutes, then counting starts at once when open and at the next opening when closed', () => {
    expect(iso(addBusinessMinutes(at('2025-06-02T10:17:00+08:00'), 0, DEFAULT_CALENDAR))).toBe(iso(at('2025-06-02T10:17:00+08:00')));
    expect(iso(addBusinessMinutes(at('2025-06-07T10:00:00+08:00'), 0, DEFAULT_CALENDAR))).toBe(iso(at('2025-06-09T09:00:00+08:00')));
    // Closing time itself is closed.
    expect(iso(addBusinessMinutes(at('2025-06-02T18:00:00+08:00'), 0, DEFAULT_CALENDAR))).toBe(iso(at('2025-06-03T09:00:00+08:00')));
  });

  it('given a 24-hour resolution counted in business time, then it spans three working days', () => {
    // Monday 10:00: 7 h on Monday, 8 h Tuesday, 8 h Wednesday, the last hour on Thursday.
    expect(iso(addBusinessMinutes(at('2025-06-02T10:00:00+08:00'), 24 * 60, DEFAULT_CALENDAR))).toBe(iso(at('2025-06-05T10:00:00+08:00')));
    // Wednesday 15:00: 3 h + 8 h Thursday + 8 h Friday, the weekend skipped, 5 h on Monday.
    expect(iso(addBusinessMinutes(at('2025-06-04T15:00:00+08:00'), 24 * 60, DEFAULT_CALENDAR))).toBe(iso(at('2025-06-09T15:00:00+08:00')));
  });

  it('given a month of business time, then it is counted day by day across weekends', () => {
    // 22 working days of 8 hours from Monday 2 June: the twenty-second is Tuesday 1 July.
    expect(iso(addBusinessMinutes(at('2025-06-02T09:00:00+08:00'), 22 * 8 * 60, DEFAULT_CALENDAR))).toBe(iso(at('2025-07-01T18:00:00+08:00')));
  });

  it('given National Day holidays, then they are skipped like a weekend', () => {
    const nationalDay = { ...DEFAULT_CALENDAR, holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'] };
    // Tuesday 30 September 17:30, the eve of the holidays: 30 minutes that day, 30 on Thursday 9 October.
    expect(iso(addBusinessMinutes(at('2025-09-30T17:30:00+08:00'), 60, nationalDay))).toBe(iso(at('2025-10-09T09:30:00+08:00')));
    expect(iso(addBusinessMinutes(at('2025-09-30T17:30:00+08:00'), 60, DEFAULT_CALENDAR))).toBe(iso(at('2025-10-01T09:30:00+08:00')));
  });

  it('given a Mondays-only calendar with five Monday holidays in a row, then the deadline falls on the sixth Monday', () => {
    const mondays = calendar('Asia/Shanghai', { mon: nineToFive }, ['2025-06-09', '2025-06-16', '2025-06-23', '2025-06-30', '2025-07-07']);
    expect(iso(addBusinessMinutes(at('2025-06-02T16:00:00+08:00'), 120, mondays))).toBe(iso(at('2025-07-14T10:00:00+08:00')));
  });

  it('refuses negative minutes and invalid dates', () => {
    expect(() => addBusinessMinutes(at('2025-06-02T09:00:00Z'), -1, DEFAULT_CALENDAR)).toThrow(RangeError);
    expect(() => addBusinessMinutes(at('2025-06-02T09:00:00Z'), Number.NaN, DEFAULT_CALENDAR)).toThrow(RangeError);
    expect(() => addBusinessMinutes(at('not a date'), 1, DEFAULT_CALENDAR)).toThrow(RangeError);
  });

  it('refuses a calendar that was never valid', () => {
    const inverted = calendar('Asia/Shanghai', { mon: [{ start: '18:00', end: '09:00' }], tue: nineToFive });
    expect(() => addBusinessMinutes(at('2025-06-02T09:00:00Z'), 1, inverted)).toThrow(/workingHours\.mon\[0\]\.end/);
  });
});

describe('daylight saving', () => {
  describe('Europe/Berlin (spring forward 2025-03-30 02:00 CET → 03:00 CEST, fall back 2025-10-26 03:00 CEST → 02:00 CET)', () => {
    it('given Friday before spring forward, when two hours pass over the weekend, then Monday opens on summer time', () => {
      // A fixed +01:00 would answer 09:00Z.
      expect(iso(addBusinessMinutes(at('2025-03-28T16:00:00+01:00'), 120, officeWeek('Europe/Berlin')))).toBe('2025-03-31T08:00:00.000Z');
    });

    it('given Friday before fall back, when two hours pass over the weekend, then Monday opens on winter time', () => {
      expect(iso(addBusinessMinutes(at('2025-10-24T16:00:00+02:00'), 120, officeWeek('Europe/Berlin')))).toBe('2025-10-27T09:00:00.000Z');
    });

    it('given a day open around the clock, then spring forward has 23 business hours and fall back 25', () => {
      const sundays = sundaysOnly('Europe/Berlin', [{ start: '00:00', end: '24:00' }]);
      expect(businessMinutesBetween(at('2025-03-29T00:00:00Z'), at('2025-03-31T00:00:00Z'), sundays)).toBe(23 * 60);
      expect(businessMinutesBetween(at('2025-10-25T00:00:00Z'), at('2025-10-27T00:00:00Z'), sundays)).toBe(25 * 60);
      expect(iso(addBusinessMinutes(at('2025-03-30T00:00:00+01:00'), 23 * 60, sundays))).toBe(iso(at('2025-03-31T00:00:00+02:00')));
    });

    it('given a night shift 01:00–04:00 across the change, then elapsed time is what counts', () => {
      const nights = sundaysOnly('Europe/Berlin', [{ start: '01:00', end: '04:00' }]);
      expect(businessMinutesBetween(at('2025-03-29T00:00:00Z'), at('2025-03-31T00:00:00Z'), nights)).toBe(120);
      expect(businessMinutesBetween(at('2025-10-25T00:00:00Z'), at('2025-10-27T00:00:00Z'), nights)).toBe(240);
      // 01:30 CET + 60 minutes: the clocks jump 02:00 → 03:00 on the way.
      expect(iso(addBusinessMinutes(at('2025-03-30T01:30:00+01:00'), 60, nights))).toBe(iso(at('2025-03-30T03:30:00+02:00')));
      // 01:30 CEST + 120 minutes: 02:00–03:00 CEST, then 02:00 CET again.
      expect(iso(addBusinessMinutes(at('2025-10-26T01:30:00+02:00'), 120, nights))).toBe(iso(at('2025-10-26T02:30:00+01:00')));
    });

    it('given an interval starting in the repeated hour, then it opens at the first occurrence', () => {
      const nights = sundaysOnly('Europe/Berlin', [{ start: '02:30', end: '05:00' }]);
      // 02:30 CEST (00:30Z) to 05:00 CET (04:00Z).
      expect(businessMinutesBetween(at('2025-10-25T12:00:00Z'), at('2025-10-26T12:00:00Z'), nights)).toBe(210);
      expect(isWithinBusinessHours(at('2025-10-26T00:29:00Z'), nights)).toBe(false);
      expect(isWithinBusinessHours(at('2025-10-26T00:30:00Z'), nights)).toBe(true);
      // 02:15 CET, the second time the clock reads 02:15, is after the opening.
      expect(isWithinBusinessHours(at('2025-10-26T02:15:00+01:00'), nights)).toBe(true);
    });
  });

  describe('America/New_York (spring forward 2025-03-09 02:00 EST → 03:00 EDT, fall back 2025-11-02 02:00 EDT → 01:00 EST)', () => {
    it('given Friday afternoons either side of the changes, then Monday opens at 09:00 local', () => {
      expect(iso(addBusinessMinutes(at('2025-03-07T16:00:00-05:00'), 120, officeWeek('America/New_York')))).toBe('2025-03-10T14:00:00.000Z');
      expect(iso(addBusinessMinutes(at('2025-10-31T16:00:00-04:00'), 120, officeWeek('America/New_York')))).toBe('2025-11-03T15:00:00.000Z');
    });

    it('given a day open around the clock, then spring forward has 23 business hours and fall back 25', () => {
      const sundays = sundaysOnly('America/New_York', [{ start: '00:00', end: '24:00' }]);
      expect(businessMinutesBetween(at('2025-03-08T12:00:00Z'), at('2025-03-10T12:00:00Z'), sundays)).toBe(23 * 60);
      expect(businessMinutesBetween(at('2025-11-01T12:00:00Z'), at('2025-11-03T12:00:00Z'), sundays)).toBe(25 * 60);
    });

    it('given an interval the clocks skip entirely, then that day has no business time', () => {
      const skipped = sundaysOnly('America/New_York', [{ start: '02:00', end: '03:00' }]);
      expect(businessMinutesBetween(at('2025-03-08T12:00:00Z'), at('2025-03-10T12:00:00Z'), skipped)).toBe(0);
      expect(iso(addBusinessMinutes(at('2025-03-08T12:00:00Z'), 30, skipped))).toBe(iso(at('2025-03-16T02:30:00-04:00')));
    });
  });
});

describe('businessMinutesBetween', () => {
  it('given two instants on the default calendar, then only open minutes count', () => {
    expect(businessMinutesBetween(at('2025-06-02T09:30:00+08:00'), at('2025-06-02T10:30:00+08:00'), DEFAULT_CALENDAR)).toBe(60);
    expect(businessMinutesBetween(at('2025-06-02T11:30:00+08:00'), at('2025-06-02T13:30:00+08:00'), DEFAULT_CALENDAR)).toBe(60);
    expect(businessMinutesBetween(at('2025-06-06T17:00:00+08:00'), at('2025-06-09T10:00:00+08:00'), DEFAULT_CALENDAR)).toBe(120);
    expect(businessMinutesBetween(at('2025-06-07T08:00:00+08:00'), at('2025-06-08T20:00:00+08:00'), DEFAULT_CALENDAR)).toBe(0);
  });

  it('given `to` before `from`, then the result is negative', () => {
    expect(businessMinutesBetween(at('2025-06-02T10:30:00+08:00'), at('2025-06-02T09:30:00+08:00'), DEFAULT_CALENDAR)).toBe(-60);
  });

  it('given instants not whole minutes apart, then the minutes are fractional', () => {
    expect(businessMinutesBetween(at('2025-06-02T09:00:00+08:00'), at('2025-06-02T09:00:30+08:00'), DEFAULT_CALENDAR)).toBe(0.5);
  });

  it('given ALWAYS_OPEN, then business minutes are elapsed minutes', () => {
    expect(businessMinutesBetween(at('2025-03-29T12:00:00Z'), at('2025-04-02T12:00:00Z'), ALWAYS_OPEN)).toBe(4 * 24 * 60);
    expect(iso(addBusinessMinutes(at('2025-03-29T12:34:56Z'), 4321, ALWAYS_OPEN))).toBe(iso(at('2025-04-01T12:35:56Z')));
  });
});

describe('isWithinBusinessHours', () => {
  const nationalDay = { ...DEFAULT_CALENDAR, holidays: ['2025-10-01'] };
  it.each([
    ['at opening', '2025-06-02T09:00:00+08:00', true],
    ['a minute before opening', '2025-06-02T08:59:00+08:00', false],
    ['in the morning', '2025-06-02T11:59:59+08:00', true],
    ['at lunch', '2025-06-02T12:00:00+08:00', false],
    ['after lunch', '2025-06-02T13:00:00+08:00', true],
    ['at closing', '2025-06-02T18:00:00+08:00', false],
    ['on a Saturday', '2025-06-07T10:00:00+08:00', false],
    ['on a holiday', '2025-10-01T10:00:00+08:00', false],
    ['the day after a holiday', '2025-10-02T10:00:00+08:00', true],
  ])('%s', (_, instant, open) => {
    expect(isWithinBusinessHours(at(instant), nationalDay)).toBe(open);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over deterministic pseudo-random cases.

const berlinShifts = calendar(
  'Europe/Berlin',
  {
    mon: [{ start: '08:00', end: '12:00' }, { start: '12:30', end: '20:00' }],
    tue: nineToFive,
    wed: nineToFive,
    thu: nineToFive,
    fri: [{ start: '09:00', end: '15:00' }],
    sat: [{ start: '01:00', end: '04:00' }],
    sun: [{ start: '01:00', end: '04:00' }, { start: '22:00', end: '24:00' }],
  },
  ['2024-12-25', '2024-12-26', '2025-01-01', '2025-04-18', '2025-04-21', '2025-12-25', '2025-12-26'],
);
const newYorkNights = calendar('America/New_York', {
  mon: [{ start: '00:00', end: '03:30' }, { start: '09:00', end: '17:00' }],
  wed: nineToFive,
  fri: nineToFive,
  sun: [{ start: '00:30', end: '02:30' }, { start: '20:00', end: '24:00' }],
});
const calendars: [string, BusinessCalendar][] = [
  ['default', DEFAULT_CALENDAR],
  ['Berlin shifts', berlinShifts],
  ['New York nights', newYorkNights],
  ['always open in Berlin', { ...ALWAYS_OPEN, timeZone: 'Europe/Berlin' }],
];

describe.each(calendars)('properties on %s', (_, cal) => {
  const random = seededRandom(20250330);
  const from = Date.parse('2024-01-01T00:00:00Z');
  const to = Date.parse('2026-12-31T00:00:00Z');
  const cases = Array.from({ length: 100 }, () => {
    // Mostly short durations, some of several weeks; starts at whole seconds.
    const minutes = random() < 0.8 ? Math.floor(random() * 600) : Math.floor(random() * 20_000);
    return { start: new Date(from + Math.floor((random() * (to - from)) / 1000) * 1000), minutes };
  });

  it('given any start and duration, then businessMinutesBetween(start, addBusinessMinutes(start, m)) is m', () => {
    for (const { start, minutes } of cases) {
      const due = addBusinessMinutes(start, minutes, cal);
      expect({ start: iso(start), minutes: businessMinutesBetween(start, due, cal) }).toEqual({ start: iso(start), minutes });
      expect(businessMinutesBetween(due, start, cal)).toBe(-minutes);
    }
  });

  it('given any positive duration, then the deadline is reached while open, just as the last minute ends', () => {
    for (const { start, minutes } of cases.filter((c) => c.minutes > 0)) {
      const due = addBusinessMinutes(start, minutes, cal);
      expect({ start: iso(start), open: isWithinBusinessHours(new Date(due.getTime() - 1), cal) }).toEqual({ start: iso(start), open: true });
    }
  });

  it('given an instant that is open, then adding the business minutes up to it lands on it', () => {
    for (const { start, minutes } of cases) {
      const later = new Date(start.getTime() + minutes * 60_000 + 17_000);
      if (!isWithinBusinessHours(later, cal)) continue;
      expect(iso(addBusinessMinutes(start, businessMinutesBetween(start, later, cal), cal))).toBe(iso(later));
    }
  });

  it('given three instants, then business minutes add up', () => {
    for (let i = 0; i + 2 < cases.length; i += 3) {
      const [a, b, c] = [cases[i]!.start, cases[i + 1]!.start, cases[i + 2]!.start];
      const sum = businessMinutesBetween(a, b, cal) + businessMinutesBetween(b, c, cal);
      expect(businessMinutesBetween(a, c, cal)).toBeCloseTo(sum, 6);
    }
  });
});

describe.each(calendars)('long spans on %s, against the same span taken a day at a time', (_, cal) => {
  // A span of more than a few days takes the days between its ends whole, by their totals; one
  // of two days or less is walked span by span. So the sum of a long span's one-day pieces is an
  // independent count of it (holidays, weekends and the daylight-saving changes of 2024-2026 included).
  const DAY = 86_400_000;
  const random = seededRandom(20261207);
  const from = Date.parse('2024-01-01T00:00:00Z');
  // In whole milliseconds: the pieces' fractional minutes would not add up exactly as doubles.
  const millis = (start: number, end: number): number => Math.round(businessMinutesBetween(new Date(start), new Date(end), cal) * 60_000);
  const piecewise = (start: number, end: number): number => {
    let total = 0;
    for (let at = start; at < end; at = Math.min(at + DAY, end)) total += millis(at, Math.min(at + DAY, end));
    return total;
  };
  const cases = Array.from({ length: 12 }, () => {
    const start = from + Math.floor(random() * 700 * DAY) + Math.floor(random() * 86_400) * 1000;
    return { start, end: start + Math.floor((3 + random() * 400) * DAY) + Math.floor(random() * 86_400) * 1000 };
  });

  it('given spans of 3 to 400 days, then the business minutes are the sum of their days', () => {
    for (const { start, end } of cases) {
      expect({ start: new Date(start).toISOString(), millis: millis(start, end) }).toEqual({ start: new Date(start).toISOString(), millis: piecewise(start, end) });
    }
  });

  it('given as many business minutes as such a span holds, then adding them ends the span at its last open moment', () => {
    for (const { start, end } of cases) {
      const total = piecewise(start, end);
      const due = addBusinessMinutes(new Date(start), total / 60_000, cal);
      // The deadline is reached as its last minute ends, while open, and no later than `end`.
      expect({ start: new Date(start).toISOString(), millis: piecewise(start, due.getTime()) }).toEqual({ start: new Date(start).toISOString(), millis: total });
      expect(isWithinBusinessHours(new Date(due.getTime() - 1), cal)).toBe(true);
      expect(due.getTime()).toBeLessThanOrEqual(end);
    }
  });
});

describe('the day totals a calendar keeps', () => {
  // Kept per calendar object in a window of days that grows toward the days asked, up to about 180
  // years; a day outside that is worked out each time.
  const spans: [string, string][] = [
    ['2025-06-02T10:00:00+08:00', '2025-12-01T15:30:00+08:00'],
    ['1990-01-01T00:00:00Z', '1990-09-01T00:00:00Z'],
    ['2140-03-01T00:00:00Z', '2141-01-01T00:00:00Z'],
    ['2300-01-01T00:00:00Z', '2300-03-01T00:00:00Z'],
    ['2025-01-01T00:00:00Z', '2025-06-30T00:00:00Z'],
  ];

  it('given long spans asked years apart, then each counts what it counts on a calendar that saw nothing else, asked once or again', () => {
    const alone = spans.map(([from, to]) => businessMinutesBetween(at(from), at(to), { ...DEFAULT_CALENDAR }));
    const shared = { ...DEFAULT_CALENDAR };
    expect(spans.map(([from, to]) => businessMinutesBetween(at(from), at(to), shared))).toEqual(alone);
    expect([...spans].reverse().map(([from, to]) => businessMinutesBetween(at(from), at(to), shared))).toEqual([...alone].reverse());
    expect(spans.map(([from], index) => iso(addBusinessMinutes(at(from), alone[index]!, shared)))).toEqual(
      spans.map(([from], index) => iso(addBusinessMinutes(at(from), alone[index]!, { ...DEFAULT_CALENDAR }))),
    );
  });
});

describe('against a minute-by-minute count of the local wall clock', () => {
  // An oracle that shares nothing with the implementation: it reads each minute's local
  // weekday and time with Intl and checks them against the calendar. It cannot judge
  // boundaries inside a skipped or repeated hour, so the calendars here have none.
  const wallClocks = new Map<string, Intl.DateTimeFormat>();
  function isOpenOnTheWallClock(instant: number, cal: BusinessCalendar): boolean {
    if (!wallClocks.has(cal.timeZone)) {
      wallClocks.set(
        cal.timeZone,
        new Intl.DateTimeFormat('en-GB', {
          timeZone: cal.timeZone,
          hourCycle: 'h23',
          weekday: 'short',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
        }),
      );
    }
    const parts = Object.fromEntries(
      wallClocks
        .get(cal.timeZone)!
        .formatToParts(instant)
        .map((part) => [part.type, part.value]),
    );
    if (cal.holidays.includes(`${parts.year}-${parts.month}-${parts.day}`)) return false;
    const time = `${parts.hour}:${parts.minute}`;
    const weekday = parts.weekday!.toLowerCase().slice(0, 3) as Weekday;
    return cal.workingHours[weekday].some(({ start, end }) => start <= time && time < end);
  }

  const transitions = ['2025-03-09T07:00:00Z', '2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z', '2025-11-02T06:00:00Z'];
  const oracleCalendars: BusinessCalendar[] = [
    { ...officeWeek('Europe/Berlin'), holidays: ['2025-03-31'] },
    calendar('America/New_York', { fri: nineToFive, sat: [{ start: '18:00', end: '24:00' }], sun: [{ start: '00:00', end: '01:00' }, { start: '05:00', end: '24:00' }], mon: nineToFive }),
    { ...ALWAYS_OPEN, timeZone: 'Europe/Berlin' },
    { ...ALWAYS_OPEN, timeZone: 'America/New_York' },
  ];
  const random = seededRandom(7);

  it('given starts within two days of a change, then the business minutes agree for three days', () => {
    for (const cal of oracleCalendars) {
      for (const transition of transitions) {
        const start = Date.parse(transition) + Math.floor((random() - 0.5) * 4 * 24 * 60) * 60_000;
        const end = start + 3 * 24 * 60 * 60_000;
        let open = 0;
        for (let minute = start; minute < end; minute += 60_000) if (isOpenOnTheWallClock(minute, cal)) open++;
        expect({ tz: cal.timeZone, start: new Date(start).toISOString(), open: businessMinutesBetween(new Date(start), new Date(end), cal) }).toEqual({
          tz: cal.timeZone,
          start: new Date(start).toISOString(),
          open,
        });
      }
    }
  });
});

describe('parseBusinessCalendar', () => {
  const valid = {
    timeZone: 'Europe/Berlin',
    workingHours: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
    holidays: ['2025-12-25'],
  };
  const withDay = (weekday: Weekday, intervals: unknown) => ({ ...valid, workingHours: { ...valid.workingHours, [weekday]: intervals } });

  function fieldsOf(input: unknown): string[] {
    try {
      parseBusinessCalendar(input);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailed);
      const { errors, message } = error as ValidationFailed;
      for (const { field } of errors) expect(message).toContain(field);
      return errors.map(({ field }) => field);
    }
    throw new Error('expected a validation error');
  }

  it('given a valid calendar, then it is returned as is', () => {
    expect(parseBusinessCalendar(valid)).toEqual(valid);
    expect(parseBusinessCalendar(DEFAULT_CALENDAR)).toEqual(DEFAULT_CALENDAR);
    expect(parseBusinessCalendar(ALWAYS_OPEN)).toEqual(ALWAYS_OPEN);
  });

  it.each([
    ['an inverted interval', withDay('mon', [{ start: '17:00', end: '09:00' }]), ['workingHours.mon[0].end']],
    ['an empty interval', withDay('mon', [{ start: '09:00', end: '09:00' }]), ['workingHours.mon[0].end']],
    ['a malformed time', withDay('tue', [{ start: '9:00', end: '17:00' }]), ['workingHours.tue[0].start']],
    ['an hour past the day', withDay('wed', [{ start: '09:00', end: '24:30' }]), ['workingHours.wed[0].end']],
    ['24:00 as a start', withDay('wed', [{ start: '24:00', end: '24:00' }]), ['workingHours.wed[0].start']],
    ['overlapping intervals', withDay('thu', [{ start: '13:00', end: '18:00' }, { start: '09:00', end: '13:30' }]), ['workingHours.thu[1]']],
    ['an unknown field in an interval', withDay('fri', [{ start: '09:00', end: '17:00', label: 'x' }]), ['workingHours.fri[0].label']],
    ['an unknown weekday', { ...valid, workingHours: { ...valid.workingHours, tues: [] } }, ['workingHours.tues']],
    ['a missing weekday', { ...valid, workingHours: { ...valid.workingHours, sun: undefined } }, ['workingHours.sun']],
    ['a week without opening hours', { ...valid, workingHours: Object.fromEntries(WEEKDAYS.map((d) => [d, []])) }, ['workingHours']],
    ['an unknown time zone', { ...valid, timeZone: 'Europe/Atlantis' }, ['timeZone']],
    ['a UTC offset instead of a zone', { ...valid, timeZone: '+08:00 Beijing' }, ['timeZone']],
    ['an impossible date', { ...valid, holidays: ['2025-02-29'] }, ['holidays[0]']],
    ['a malformed date', { ...valid, holidays: ['2025-12-25', '25/12/2025'] }, ['holidays[1]']],
    ['a repeated date', { ...valid, holidays: ['2025-12-25', '2025-12-26', '2025-12-25'] }, ['holidays[2]']],
    ['an unknown top-level field', { ...valid, weekStartsOn: 'mon' }, ['weekStartsOn']],
  ])('given %s, then the error names the field', (_, input, fields) => {
    expect(fieldsOf(input)).toEqual(fields);
  });

  it('given several mistakes, then every one is named', () => {
    expect(fieldsOf({ timeZone: 'Nowhere', workingHours: { ...valid.workingHours, mon: [{ start: '18:00', end: '09:00' }] }, holidays: ['2025-13-01'] })).toEqual([
      'timeZone',
      'workingHours.mon[0].end',
      'holidays[0]',
    ]);
  });

  it('given a shift split at midnight and adjacent intervals, then it is valid', () => {
    const nights = withDay('sat', [{ start: '00:00', end: '06:00' }, { start: '22:00', end: '24:00' }]);
    expect(() => parseBusinessCalendar(withDay('mon', [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '13:00' }]))).not.toThrow();
    expect(() => parseBusinessCalendar(nights)).not.toThrow();
  });
});
