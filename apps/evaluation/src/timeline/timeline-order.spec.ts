import { inTimelineOrder, serviceOfStream, type TimelinePosition } from './timeline-order';

const T0 = Date.parse('2025-03-03T01:00:00.000Z');
const at = (minutes: number, milliseconds = 0) => new Date(T0 + minutes * 60_000 + milliseconds);

function entry(service: string, streamPosition: number, occurredMinutes: number, recordedMs = 0): TimelinePosition & { label: string } {
  return {
    label: `${service}#${streamPosition}`,
    service,
    streamId: `${service}-ticket-t1`,
    streamPosition,
    occurredAt: at(occurredMinutes),
    recordedAt: at(occurredMinutes, recordedMs),
  };
}

const labels = (entries: readonly { label: string }[]) => entries.map(({ label }) => label);

describe('serviceOfStream', () => {
  it('names the service by the stream prefix', () => {
    expect(serviceOfStream('intake-ticket-0b7e')).toBe('intake');
    expect(serviceOfStream('routing-ticket-0b7e')).toBe('routing');
    expect(serviceOfStream('followup-ticket-0b7e')).toBe('followup');
    expect(serviceOfStream('billing-ledger-1')).toBe('billing');
  });
});

describe('inTimelineOrder', () => {
  it('given entries in delivery order, then by occurred-at across streams, each stream in its own order', () => {
    const delivered = [entry('followup', 0, 125), entry('routing', 1, 5), entry('routing', 0, 1), entry('intake', 1, 0), entry('intake', 0, 0), entry('routing', 2, 130)];
    expect(labels(inTimelineOrder(delivered))).toEqual(['intake#0', 'intake#1', 'routing#0', 'routing#1', 'followup#0', 'routing#2']);
  });

  it('given the same occurred-at, then recorded-at decides, then workflow order of the services', () => {
    expect(labels(inTimelineOrder([entry('followup', 0, 3, 1), entry('intake', 2, 3, 2)]))).toEqual(['followup#0', 'intake#2']);
    expect(labels(inTimelineOrder([entry('followup', 0, 3), entry('routing', 0, 3), entry('intake', 2, 3), entry('audit', 0, 3)]))).toEqual([
      'intake#2',
      'routing#0',
      'followup#0',
      'audit#0',
    ]);
  });

  it('given a stream whose clock went backwards, then its order still holds', () => {
    // routing#1 was decided first (earlier clock) but appended second, after a concurrency retry.
    const routingLate = { ...entry('routing', 1, 10), occurredAt: at(9) };
    const ordered = inTimelineOrder([entry('intake', 0, 0), entry('routing', 0, 10), routingLate, entry('followup', 0, 9, 500)]);
    expect(labels(ordered)).toEqual(['intake#0', 'followup#0', 'routing#0', 'routing#1']);
  });

  it('is the same whatever order the entries came in', () => {
    const entries = [entry('intake', 0, 0), entry('intake', 1, 0), entry('routing', 0, 1), entry('routing', 1, 1), entry('followup', 0, 1), entry('followup', 1, 2)];
    const expected = labels(inTimelineOrder(entries));
    for (const shuffled of [[...entries].reverse(), [entries[4], entries[1], entries[5], entries[0], entries[3], entries[2]]]) {
      expect(labels(inTimelineOrder(shuffled))).toEqual(expected);
    }
    expect(inTimelineOrder([])).toEqual([]);
  });
});
