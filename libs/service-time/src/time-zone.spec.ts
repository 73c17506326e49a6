import { offsetAt } from './time-zone';

describe('offsetAt', () => {
  // Berlin springs forward at 01:00Z on 30 March 2025 and falls back at 01:00Z on 26 October, on
  // the hour; Adelaide (+10:30 to +9:30 and back) at 16:30Z, in the middle of a UTC hour.
  const cases = [
    { timeZone: 'Europe/Berlin', transition: Date.parse('2025-03-30T01:00:00Z'), before: 3_600_000, after: 7_200_000 },
    { timeZone: 'Europe/Berlin', transition: Date.parse('2025-10-26T01:00:00Z'), before: 7_200_000, after: 3_600_000 },
    { timeZone: 'Australia/Adelaide', transition: Date.parse('2025-04-05T16:30:00Z'), before: 37_800_000, after: 34_200_000 },
    { timeZone: 'Australia/Adelaide', transition: Date.parse('2025-10-04T16:30:00Z'), before: 34_200_000, after: 37_800_000 },
  ];

  it.each(cases)('in $timeZone, every second around a transition has the offset of its side, asked cold and again once the steady hours are kept', ({ timeZone, transition, before, after }) => {
    const wrong: { pass: number; instant: string; offset: number }[] = [];
    for (const pass of [1, 2]) {
      for (let instant = transition - 2 * 3_600_000; instant < transition + 2 * 3_600_000; instant += 997) {
        const offset = offsetAt(instant, timeZone);
        if (offset !== (instant < transition ? before : after)) wrong.push({ pass, instant: new Date(instant).toISOString(), offset });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the seconds of a historical offset (Shanghai’s local mean time, +8:05:43)', () => {
    expect(offsetAt(Date.parse('1900-06-01T00:00:00.250Z'), 'Asia/Shanghai')).toBe((8 * 3600 + 5 * 60 + 43) * 1000);
    expect(offsetAt(Date.parse('1900-06-01T00:00:00.250Z'), 'Asia/Shanghai')).toBe((8 * 3600 + 5 * 60 + 43) * 1000);
  });
});
