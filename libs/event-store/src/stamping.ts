import { canonicalJsonOfParsed, contentHashOf, type EventMetadata, type NewEvent, type RecordedEvent } from '@handoff/contracts';
import { DuplicateEventId, UnstorableEvent } from './event-store';

/** A new event with everything the store decides up front; the chain link and global position come at write time. */
export type StampedEvent = Omit<RecordedEvent, 'globalPosition' | 'previousHash' | 'hash'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LONE_SURROGATE = /\p{Cs}/u;
/** The escapes JSON.stringify writes for NUL and for an unpaired surrogate (or a string that merely reads like one). */
const MAYBE_UNSTORABLE = /\\u(?:0000|d[89a-f])/;

/** An event's data and metadata as the JSON text stamping made of them (JSON.stringify of the stamped values gives the same). */
export interface StampedJson {
  readonly data: string;
  readonly metadata: string;
}

/**
 * Gives each event its stream position, recordedAt and content hash, in the exact shape the
 * store will hand back on reading, so the hash computed now is the hash verified later. With
 * `json`, each event's JSON text is pushed onto it, for a store to send without writing it again.
 */
export function stampEvents(
  streamId: string,
  firstPosition: number,
  events: readonly NewEvent[],
  recordedAt: string,
  json?: StampedJson[],
): StampedEvent[] {
  const seen = new Set<string>();
  return events.map((event, index) => {
    // Both stores hand ids back in lowercase; hashing any other spelling would break the chain on reading.
    const eventId = typeof event.eventId === 'string' ? event.eventId.toLowerCase() : String(event.eventId);
    const refuse = (reason: string): never => {
      throw new UnstorableEvent(String(event.type), eventId, reason);
    };
    if (!UUID.test(eventId)) refuse('eventId must be a UUID');
    if (seen.has(eventId)) throw new DuplicateEventId(streamId, eventId);
    seen.add(eventId);
    if (typeof event.type !== 'string' || event.type.length === 0) refuse('type must be a non-empty string');
    if (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1 || event.schemaVersion > 0x7fffffff) {
      refuse('schemaVersion must be a positive integer');
    }
    if (typeof event.ticketId !== 'string' || event.ticketId.length === 0) refuse('ticketId must be a non-empty string');

    const dataJson = storedJsonText(event.data);
    const metadataJson = JSON.stringify(metadataWith(event.metadata, recordedAt));
    json?.push({ data: dataJson, metadata: metadataJson });
    const data = JSON.parse(dataJson) as unknown;
    const metadata = JSON.parse(metadataJson) as EventMetadata;
    // JSON.stringify escapes every NUL and every unpaired surrogate, so text without such an
    // escape holds neither; only text with one (rare) is walked to find and name the problem.
    if (MAYBE_UNSTORABLE.test(dataJson) || MAYBE_UNSTORABLE.test(metadataJson)) {
      const problem = unstorableText(data, 'data') ?? unstorableText(metadata, 'metadata');
      if (problem) refuse(problem);
    }

    const streamPosition = firstPosition + index;
    const content = { eventId, type: event.type, schemaVersion: event.schemaVersion, streamId, streamPosition, ticketId: event.ticketId, data, metadata };
    const contentHash = contentHashOf(content, { data: canonicalJsonOfParsed(data, dataJson), metadata: canonicalJsonOfParsed(metadata, metadataJson) });
    // Written out rather than spread: V8 builds an object spread and then extended on a slow path.
    return { eventId, type: event.type, schemaVersion: event.schemaVersion, streamId, streamPosition, ticketId: event.ticketId, data, metadata, contentHash };
  });
}

/**
 * The caller's metadata and recordedAt (which wins over a recordedAt of the caller's), members in
 * sorted order: its JSON text is then canonical already (canonicalJsonOfParsed), where the order a
 * producer happened to build it in would have it written again to be hashed. jsonb keeps no order.
 */
function metadataWith(metadata: NewEvent['metadata'] | undefined, recordedAt: string): Record<string, unknown> {
  const source = (metadata ?? {}) as Record<string, unknown>;
  const keys = Object.keys(source);
  if (!Object.prototype.hasOwnProperty.call(source, 'recordedAt')) keys.push('recordedAt');
  keys.sort();
  // No prototype, so that a member named __proto__ is a member, as it was in the caller's object.
  const sorted = Object.create(null) as Record<string, unknown>;
  for (const key of keys) sorted[key] = key === 'recordedAt' ? recordedAt : source[key];
  return sorted;
}

/**
 * The value as JSON text, as it will come back from a JSON column once parsed: Dates become
 * strings, undefined members vanish. Hashing the caller's object instead would hash something
 * the store never returns.
 */
function storedJsonText(value: unknown): string {
  return value === undefined ? 'null' : (JSON.stringify(value) as string);
}

/** PostgreSQL's jsonb cannot hold NUL or unpaired surrogates; refusing them here keeps every adapter alike. */
function unstorableText(value: unknown, path: string): string | undefined {
  const check = (text: string, where: string): string | undefined => {
    if (text.includes('\u0000')) return `${where} contains the NUL character (\\u0000)`;
    if (LONE_SURROGATE.test(text)) return `${where} contains an unpaired UTF-16 surrogate`;
    return undefined;
  };
  if (typeof value === 'string') return check(value, path);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = unstorableText(value[index], `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      const found = check(key, `${path} key ${JSON.stringify(key)}`) ?? unstorableText(member, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
