import { canonicalJson, canonicalJsonOfParsed } from './canonical-json';
import { parseRecordedEvent } from './envelope.schema';
import { ValidationFailed } from './refusals';
import { chainHash, contentHashOf, GENESIS_HASH, verifyChain } from './hashing';
import type { RecordedEvent } from './envelope';

function chainOf(count: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let previous = GENESIS_HASH;
  for (let position = 0; position < count; position++) {
    const content = {
      eventId: `00000000-0000-4000-8000-00000000000${position}`,
      type: 'TicketProgressed',
      schemaVersion: 1,
      streamId: 'routing-ticket-t1',
      streamPosition: position,
      ticketId: 't1',
      data: { note: `step ${position}`, nested: { b: 1, a: [1, 2] } },
      metadata: {
        correlationId: 'c',
        causationId: `cause-${position}`,
        actorId: 'agent-1',
        role: 'cs' as const,
        occurredAt: '2026-11-23T08:00:00.000Z',
        recordedAt: '2026-11-23T08:00:01.000Z',
      },
    };
    const contentHash = contentHashOf(content);
    const hash = chainHash(previous, contentHash);
    events.push({ ...content, globalPosition: String(position + 1), contentHash, previousHash: previous, hash });
    previous = hash;
  }
  return events;
}

describe('canonical JSON', () => {
  it('does not depend on key order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('non-finite');
  });

  const parsedValues: [string, string][] = [
    ['keys in order', '{"a":1,"b":{"c":[1,{"d":2,"e":null}]}}'],
    ['keys out of order at the top', '{"b":1,"a":2}'],
    ['keys out of order deep in an array', '{"a":[{"z":1,"y":2}],"b":true}'],
    ['integer-like keys, which objects keep first', '{"2":"two","10":"ten","a":1}'],
    ['capitals before small letters, and non-ASCII keys', '{"B":1,"a":2,"é":3,"😀":4,"ｚ":5}'],
    ['a key named __proto__', '{"__proto__":{"b":1,"a":2},"x":1}'],
    ['a bare value', '"text"'],
    ['an empty object and array', '{"a":{},"b":[]}'],
  ];

  it.each(parsedValues)('gives canonicalJson of a parsed value from its own text: %s', (_, text) => {
    const value: unknown = JSON.parse(text);
    expect(canonicalJsonOfParsed(value, JSON.stringify(value))).toBe(canonicalJson(value));
  });
});

describe('content hash', () => {
  it('is the same given the canonical texts of the data and metadata as worked out from the content', () => {
    const [event] = chainOf(1);
    const metadataText = JSON.stringify({ actorId: 'agent-1', causationId: 'cause-0', correlationId: 'c', occurredAt: '2026-11-23T08:00:00.000Z', recordedAt: '2026-11-23T08:00:01.000Z', role: 'cs' });
    const canonical = { data: canonicalJson(event.data), metadata: canonicalJsonOfParsed(JSON.parse(metadataText), metadataText) };
    expect(canonical.metadata).toBe(metadataText);
    expect(contentHashOf(event, canonical)).toBe(contentHashOf(event));
    expect(contentHashOf({ ...event, streamPosition: 7 }, canonical)).toBe(contentHashOf({ ...event, streamPosition: 7 }));
    expect(contentHashOf(event, { ...canonical, data: '{"note":"other"}' })).not.toBe(contentHashOf(event));
  });
});

describe('hash chain verification', () => {
  it('accepts an untouched chain and its head', () => {
    const events = chainOf(4);
    expect(verifyChain(events, events[3].hash)).toEqual({ ok: true, eventsChecked: 4 });
  });

  it('finds an edited event at its position', () => {
    const events = chainOf(4);
    events[2] = { ...events[2], data: { note: 'rewritten' } };
    expect(verifyChain(events).firstBreak).toEqual({ kind: 'content_changed', streamPosition: 2, eventId: events[2].eventId });
  });

  it('finds a deleted event as a gap, and a deleted last event through the head', () => {
    const events = chainOf(4);
    expect(verifyChain([events[0], events[1], events[3]]).firstBreak).toEqual({ kind: 'position_gap', expectedPosition: 2, foundPosition: 3 });
    expect(verifyChain(events.slice(0, 3), events[3].hash).firstBreak?.kind).toBe('head_mismatch');
  });

  it('finds an inserted event whose hashes were recomputed to look valid on its own', () => {
    const events = chainOf(4);
    const forged = chainOf(3)[2];
    const renumbered = [...events.slice(0, 2), forged, ...events.slice(2).map((event) => ({ ...event, streamPosition: event.streamPosition + 1 }))];
    const result = verifyChain(renumbered);
    expect(result.ok).toBe(false);
    expect(result.firstBreak).toMatchObject({ streamPosition: 3 });
  });
});

describe('the trace context in the metadata', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('is hashed like every metadata field: an event without one hashes as before, and a changed one breaks the chain', () => {
    const [plain] = chainOf(1);
    const untouched = { ...plain.metadata };
    expect(contentHashOf({ ...plain, metadata: { ...untouched, traceparent: undefined } })).toBe(plain.contentHash);

    const traced = { ...plain, metadata: { ...untouched, traceparent } };
    const contentHash = contentHashOf(traced);
    const stored: RecordedEvent = { ...traced, contentHash, hash: chainHash(GENESIS_HASH, contentHash) };
    expect(verifyChain([stored])).toEqual({ ok: true, eventsChecked: 1 });
    const rewritten = { ...stored, metadata: { ...stored.metadata, traceparent: traceparent.replace('4bf9', 'ffff') } };
    expect(verifyChain([rewritten])).toMatchObject({ ok: false, firstBreak: { kind: 'content_changed' } });
  });

  it('passes the envelope check of a consumer when it is a W3C traceparent, and nothing else does', () => {
    const [plain] = chainOf(1);
    const withTrace = (value: string) => ({ ...plain, eventId: 'f47ac10b-58cc-4372-a567-0e02b2c3d479', metadata: { ...plain.metadata, traceparent: value } });
    expect(parseRecordedEvent(withTrace(traceparent)).metadata.traceparent).toBe(traceparent);
    for (const wrong of ['', 'trace-1', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7', `${traceparent} `]) {
      expect(() => parseRecordedEvent(withTrace(wrong))).toThrow(ValidationFailed);
    }
  });
});
