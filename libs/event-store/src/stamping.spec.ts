import { contentHashOf, type NewEvent } from '@handoff/contracts';
import { UnstorableEvent } from './event-store';
import { stampEvents, type StampedJson } from './stamping';

function eventWith(data: unknown, metadataExtra: Record<string, unknown> = {}): NewEvent {
  return {
    eventId: '6f1c1d34-8f4e-4d8e-9a55-0b7cfa3c2a10',
    type: 'CustomerWrote',
    schemaVersion: 1,
    ticketId: 'ticket-1',
    data,
    metadata: { correlationId: 'c', causationId: 'c', actorId: 'agent-7', role: 'cs', occurredAt: '2026-12-05T10:00:00.000Z', ...metadataExtra },
  } as NewEvent;
}

const stampOne = (event: NewEvent) => stampEvents('intake-ticket-1', 0, [event], '2026-12-05T10:00:01.000Z')[0];

describe('stampEvents', () => {
  it.each([
    ['NUL in a value', { text: 'hello\u0000world' }, {}, /data\.text contains the NUL character/],
    ['NUL in a key', { ['a\u0000b']: 1 }, {}, /data key "a\\u0000b" contains the NUL character/],
    ['a lone high surrogate', { text: 'broken \ud83d' }, {}, /data\.text contains an unpaired UTF-16 surrogate/],
    ['a lone low surrogate in an array', { lines: ['fine', '\ude00 broken'] }, {}, /data\.lines\[1\] contains an unpaired UTF-16 surrogate/],
    ['NUL in the metadata', { text: 'fine' }, { channel: 'web\u0000' }, /metadata\.channel contains the NUL character/],
  ])('refuses %s, naming where it is', (_, data, metadata, reason) => {
    const stamp = () => stampOne(eventWith(data, metadata));
    expect(stamp).toThrow(UnstorableEvent);
    expect(stamp).toThrow(reason);
  });

  it('keeps text that only reads like an escape, and paired surrogates', () => {
    const data = { literal: 'a backslash then u0000: \\u0000 and \\ud800', emoji: 'thanks 😀' };
    const stamped = stampOne(eventWith(data));
    expect(stamped.data).toEqual(data);
    expect(stamped.contentHash).toBe(contentHashOf(stamped));
  });

  it('stamps what the store will read back: Dates as strings, undefined members gone, recordedAt in the metadata', () => {
    const stamped = stampOne(eventWith({ at: new Date('2024-05-01T10:00:00.000Z'), gone: undefined, kept: 1 }));
    expect(stamped.data).toEqual({ at: '2024-05-01T10:00:00.000Z', kept: 1 });
    expect(Object.keys(stamped.data as object)).toEqual(['at', 'kept']);
    expect(stamped.metadata.recordedAt).toBe('2026-12-05T10:00:01.000Z');
    expect(stampOne(eventWith(undefined)).data).toBeNull();
  });

  it('hashes what it stamped as the chain verification will, whatever order the keys came in', () => {
    const awkward = [
      { b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'é' } },
      { 10: 'ten', 2: 'two', B: 'capital', a: 'small', '😀': 'emoji' },
      { sorted: { already: [{ a: 1, b: 2 }] } },
      null,
    ];
    const metadata = [{ zone: 'z', channel: 'web' }, { recordedAt: 'the caller says' }, { ['__proto__']: { b: 1, a: 2 } }, { 1: 'one' }];
    const events = awkward.map((data, index) => ({ ...eventWith(data, metadata[index]), eventId: `6f1c1d34-8f4e-4d8e-9a55-0b7cfa3c2a1${index}` }));
    const stamped = stampEvents('intake-ticket-1', 4, events, '2026-12-05T10:00:01.000Z');
    for (const event of stamped) expect(event.contentHash).toBe(contentHashOf(event));
    expect(stamped.map((event) => event.metadata.recordedAt)).toEqual(Array(4).fill('2026-12-05T10:00:01.000Z'));
    expect(Object.getOwnPropertyDescriptor(stamped[2].metadata, '__proto__')?.value).toEqual({ a: 2, b: 1 });
  });

  it('gives the JSON text of what it stamped, the same as writing the stamped values again', () => {
    const awkward = [
      { at: new Date('2024-05-01T10:00:00.000Z'), gone: undefined, list: [1, undefined, -0, 1e21, 0.1], kept: 'a "quoted" \\ line\nbreak' },
      { b: 1, 10: 'ten', 2: 'two', a: { nested: [null, true, { z: 'é😀' }] } },
      undefined,
      'just a string',
    ];
    const json: StampedJson[] = [];
    const stamped = stampEvents('intake-ticket-1', 0, awkward.map((data, index) => ({ ...eventWith(data), eventId: `6f1c1d34-8f4e-4d8e-9a55-0b7cfa3c2a1${index}` })), '2026-12-05T10:00:01.000Z', json);
    expect(json).toEqual(stamped.map((event) => ({ data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) })));
  });
});
