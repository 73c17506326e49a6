import { hourOf, isPeriod, periodBounds, periodOf } from './periods';

describe('periods in the organisation’s time zone', () => {
  const shanghai = 'Asia/Shanghai';

  it('labels an instant by its local day, ISO week and month', () => {
    // 2025-03-02T16:30Z is Monday 3 March 00:30 in Beijing (ISO week 10), still Sunday 2 March in UTC.
    expect(periodOf('2025-03-02T16:30:00Z', 'day', shanghai)).toBe('2025-03-03');
    expect(periodOf('2025-03-02T16:30:00Z', 'week', shanghai)).toBe('2025-W10');
    expect(periodOf('2025-03-02T16:30:00Z', 'week', 'UTC')).toBe('2025-W09');
    expect(periodOf('2025-02-28T16:00:00Z', 'month', shanghai)).toBe('2025-03');
  });

  it('puts the days around new year in the ISO week of their Thursday', () => {
    expect(periodOf('2024-12-30T12:00:00Z', 'week', 'UTC')).toBe('2025-W01'); // Monday
    expect(periodOf('2021-01-03T12:00:00Z', 'week', 'UTC')).toBe('2020-W53'); // Sunday
    expect(periodOf('2026-12-31T12:00:00Z', 'week', 'UTC')).toBe('2026-W53');
  });

  it('reads the local hour', () => {
    expect(hourOf('2025-03-03T01:00:00Z', shanghai)).toBe(9);
    expect(hourOf('2025-03-03T15:59:59Z', shanghai)).toBe(23);
    expect(hourOf('2025-03-03T16:00:00Z', shanghai)).toBe(0);
  });

  it('knows which labels are real periods and where they begin and end', () => {
    expect(isPeriod('2025-W10')).toBe(true);
    expect(isPeriod('2025-W53')).toBe(false);
    expect(isPeriod('2026-W53')).toBe(true);
    expect(isPeriod('2025-13')).toBe(false);
    expect(isPeriod('2025-02-29')).toBe(false);
    expect(periodBounds('2025-W10', shanghai)).toEqual({ start: '2025-03-02T16:00:00.000Z', end: '2025-03-09T16:00:00.000Z' });
    expect(periodBounds('2025-12', shanghai)).toEqual({ start: '2025-11-30T16:00:00.000Z', end: '2025-12-31T16:00:00.000Z' });
    expect(periodBounds('2025-03-03', 'UTC')).toEqual({ start: '2025-03-03T00:00:00.000Z', end: '2025-03-04T00:00:00.000Z' });
  });
});
