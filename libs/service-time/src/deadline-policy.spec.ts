import { ValidationFailed } from '@handoff/contracts';
import { ALWAYS_OPEN, DEFAULT_CALENDAR, addBusinessMinutes } from './business-calendar';
import {
  DEFAULT_DEADLINE_POLICY,
  TICKET_PRIORITIES,
  TICKET_TYPES,
  computeDeadlines,
  deferredByPause,
  minutesFor,
  parseDeadlinePolicy,
  type DeadlineRule,
} from './deadline-policy';

const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe('computeDeadlines with the default policy (business time, Asia/Shanghai office hours)', () => {
  it('given a complaint on Monday morning, then first response is due in 30 minutes and resolution in 24 business hours', () => {
    const deadlines = computeDeadlines(DEFAULT_DEADLINE_POLICY, { type: 'complaint', priority: 'normal', from: at('2025-06-02T10:00:00+08:00') });
    expect(deadlines).toEqual({
      firstResponseDueAt: at('2025-06-02T10:30:00+08:00'),
      resolutionDueAt: at('2025-06-05T10:00:00+08:00'),
      policyVersion: 'default-1',
      countIn: 'business',
    });
  });

  it('given a contact on Friday evening, then the clock starts on Monday at opening', () => {
    const deadlines = computeDeadlines(DEFAULT_DEADLINE_POLICY, { type: 'consultation', priority: 'low', from: at('2025-06-06T19:00:00+08:00') });
    expect(iso(deadlines.firstResponseDueAt)).toBe(iso(at('2025-06-09T09:30:00+08:00')));
    expect(iso(deadlines.resolutionDueAt)).toBe(iso(at('2025-06-11T18:00:00+08:00')));
  });

  it('gives every type and priority the same standard', () => {
    for (const type of TICKET_TYPES) {
      for (const priority of TICKET_PRIORITIES) {
        expect(minutesFor(DEFAULT_DEADLINE_POLICY.firstResponseMinutes, type, priority)).toBe(30);
        expect(minutesFor(DEFAULT_DEADLINE_POLICY.resolutionMinutes, type, priority)).toBe(1440);
      }
    }
  });
});

describe('computeDeadlines in clock time', () => {
  const clock = parseDeadlinePolicy({
    version: 'clock-1',
    firstResponseMinutes: { default: 30 },
    resolutionMinutes: { default: 1440 },
    countIn: 'clock',
  });

  it('given a contact on Friday night, then the deadlines run through the night and the weekend', () => {
    expect(computeDeadlines(clock, { type: 'complaint', priority: 'high', from: at('2025-06-06T22:00:00+08:00') })).toEqual({
      firstResponseDueAt: at('2025-06-06T22:30:00+08:00'),
      resolutionDueAt: at('2025-06-07T22:00:00+08:00'),
      policyVersion: 'clock-1',
      countIn: 'clock',
    });
  });

  it('given a night when clocks spring forward, then 24 hours means 24 elapsed hours', () => {
    const { resolutionDueAt } = computeDeadlines(clock, { type: 'feedback', priority: 'normal', from: at('2025-03-29T12:00:00+01:00') });
    expect(iso(resolutionDueAt)).toBe(iso(at('2025-03-30T13:00:00+02:00')));
  });

  it('agrees with counting business minutes on the ALWAYS_OPEN calendar', () => {
    expect(clock.calendar).toEqual(ALWAYS_OPEN);
    const from = at('2025-10-25T21:13:00Z');
    const business = computeDeadlines({ ...clock, countIn: 'business' }, { type: 'suggestion', priority: 'low', from });
    expect(computeDeadlines(clock, { type: 'suggestion', priority: 'low', from })).toEqual({ ...business, countIn: 'clock' });
    expect(iso(business.resolutionDueAt)).toBe(iso(addBusinessMinutes(from, 1440, ALWAYS_OPEN)));
  });
});

describe('which rule applies', () => {
  const rule: DeadlineRule = {
    default: 1440,
    byType: { complaint: 720, suggestion: 7 * 1440 },
    byPriority: { urgent: 240, low: 2880 },
    byTypeAndPriority: { complaint: { urgent: 60 }, information: { low: 4320 } },
  };

  it.each([
    ['a (type, priority) rule overrides everything', 'complaint', 'urgent', 60],
    ['a (type, priority) rule may be looser than the others', 'information', 'low', 4320],
    ['of a type rule and a priority rule, the stricter promise holds', 'complaint', 'low', 720],
    ['of a type rule and a priority rule, the stricter promise holds', 'suggestion', 'urgent', 240],
    ['a type rule alone may be looser than the default', 'suggestion', 'normal', 7 * 1440],
    ['a priority rule alone applies', 'consultation', 'low', 2880],
    ['otherwise the default', 'feedback', 'high', 1440],
  ] as const)('given %s (%s, %s), then %d minutes', (_, type, priority, minutes) => {
    expect(minutesFor(rule, type, priority)).toBe(minutes);
  });

  it('given a policy with rules, when computing, then each deadline uses its own rule', () => {
    const policy = parseDeadlinePolicy({
      version: '2025-06',
      firstResponseMinutes: { default: 30, byPriority: { urgent: 10 } },
      resolutionMinutes: rule,
      calendar: DEFAULT_CALENDAR,
      countIn: 'business',
    });
    expect(computeDeadlines(policy, { type: 'complaint', priority: 'urgent', from: at('2025-06-02T11:55:00+08:00') })).toEqual({
      firstResponseDueAt: at('2025-06-02T13:05:00+08:00'),
      resolutionDueAt: at('2025-06-02T13:55:00+08:00'),
      policyVersion: '2025-06',
      countIn: 'business',
    });
  });
});

describe('parseDeadlinePolicy', () => {
  const valid = {
    version: '2025-06',
    firstResponseMinutes: { default: 30 },
    resolutionMinutes: { default: 1440, byType: { complaint: 720 } },
    calendar: DEFAULT_CALENDAR,
    countIn: 'business',
  };

  function fieldsOf(input: unknown): string[] {
    try {
      parseDeadlinePolicy(input);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailed);
      const { errors, message } = error as ValidationFailed;
      for (const { field } of errors) expect(message).toContain(field);
      return errors.map(({ field }) => field);
    }
    throw new Error('expected a validation error');
  }

  it('given a valid policy, then it is returned as is', () => {
    expect(parseDeadlinePolicy(valid)).toEqual(valid);
    expect(parseDeadlinePolicy(DEFAULT_DEADLINE_POLICY)).toEqual(DEFAULT_DEADLINE_POLICY);
  });

  it.each([
    ['a missing version', { ...valid, version: ' ' }, ['version']],
    ['an unknown way of counting', { ...valid, countIn: 'weekdays' }, ['countIn']],
    ['business time without a calendar', { ...valid, calendar: undefined }, ['calendar']],
    ['a fractional number of minutes', { ...valid, firstResponseMinutes: { default: 29.5 } }, ['firstResponseMinutes.default']],
    ['zero minutes', { ...valid, firstResponseMinutes: { default: 0 } }, ['firstResponseMinutes.default']],
    ['minutes as text', { ...valid, resolutionMinutes: { default: 1440, byType: { complaint: '720' } } }, ['resolutionMinutes.byType.complaint']],
    ['an unknown ticket type', { ...valid, resolutionMinutes: { default: 1440, byType: { praise: 60 } } }, ['resolutionMinutes.byType.praise']],
    ['an unknown priority', { ...valid, firstResponseMinutes: { default: 30, byPriority: { critical: 5 } } }, ['firstResponseMinutes.byPriority.critical']],
    [
      'a bad (type, priority) rule',
      { ...valid, resolutionMinutes: { default: 1440, byTypeAndPriority: { complaint: { urgent: -5 } } } },
      ['resolutionMinutes.byTypeAndPriority.complaint.urgent'],
    ],
    ['a year and a day', { ...valid, resolutionMinutes: { default: 367 * 1440 } }, ['resolutionMinutes.default']],
    ['a misspelt rule field', { ...valid, firstResponseMinutes: { default: 30, byTypes: {} } }, ['firstResponseMinutes.byTypes']],
    [
      'a bad calendar',
      { ...valid, calendar: { ...DEFAULT_CALENDAR, workingHours: { ...DEFAULT_CALENDAR.workingHours, mon: [{ start: '09:00', end: '08:00' }] } } },
      ['calendar.workingHours.mon[0].end'],
    ],
    [
      'a resolution due before the first response',
      { ...valid, firstResponseMinutes: { default: 30, byType: { complaint: 60 } }, resolutionMinutes: { default: 1440, byPriority: { urgent: 45 } } },
      ['resolutionMinutes'],
    ],
  ])('given %s, then the error names the field', (_, input, fields) => {
    expect(fieldsOf(input)).toEqual(fields);
  });

  it('given a resolution due before the first response, then the message names the ticket kinds', () => {
    expect(() =>
      parseDeadlinePolicy({ ...valid, firstResponseMinutes: { default: 30, byType: { complaint: 60 } }, resolutionMinutes: { default: 1440, byPriority: { urgent: 45 } } }),
    ).toThrow('resolutionMinutes: is shorter than firstResponseMinutes for complaint/urgent');
  });

  it('given clock time without a calendar, then ALWAYS_OPEN stands in', () => {
    expect(parseDeadlinePolicy({ ...valid, calendar: undefined, countIn: 'clock' }).calendar).toBe(ALWAYS_OPEN);
  });
});

describe('deferredByPause: a paused clock moves its deadline', () => {
  const calendar = DEFAULT_DEADLINE_POLICY.calendar;
  const business = { calendar, countIn: 'business' as const };
  const clock = { calendar, countIn: 'clock' as const };
  // Thursday 2025-03-06 in Asia/Shanghai; open 09:00–12:00 and 13:00–18:00 on weekdays by default.
  const local = (day: number, hh: number, mm = 0) => new Date(Date.UTC(2025, 2, day, hh - 8, mm));

  it('counts the elapsed time when the deadlines count the clock', () => {
    const due = local(7, 12);
    expect(deferredByPause(clock, due, { from: local(6, 17), until: local(7, 9) })).toEqual(local(8, 4));
  });

  it('counts only the business minutes paused when the deadlines count business hours: a night costs nothing', () => {
    const due = local(7, 14);
    // Paused 17:00 Thursday to 10:00 Friday: 60 + 60 business minutes.
    expect(deferredByPause(business, due, { from: local(6, 17), until: local(7, 10) })).toEqual(local(7, 16));
    // Paused overnight only: the deadline stays.
    expect(deferredByPause(business, due, { from: local(6, 19), until: local(7, 8) })).toEqual(due);
  });

  it('carries the moved deadline over a closing time into the next opening', () => {
    // Due Friday 17:30; paused an hour of business time: 30 minutes Friday, 30 on Monday.
    expect(deferredByPause(business, local(7, 17, 30), { from: local(6, 10), until: local(6, 11) })).toEqual(local(10, 9, 30));
  });

  it('leaves the deadline alone for an empty or backwards pause', () => {
    const due = local(7, 12);
    expect(deferredByPause(business, due, { from: local(6, 10), until: local(6, 10) })).toEqual(due);
    expect(deferredByPause(clock, due, { from: local(6, 11), until: local(6, 10) })).toEqual(due);
  });
});
