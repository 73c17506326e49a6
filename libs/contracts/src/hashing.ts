import * as crypto from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { EventMetadata, RecordedEvent } from './envelope';
import type { ChainBreak, ChainVerification } from './api/audit';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedContent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly ticketId: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

// The one-shot crypto.hash (Node 20.12+) costs a third of a Hash object for a hash this small,
// and a store computes one per event it appends; older Node 20 releases fall back.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Everything an auditor relies on is inside the content hash; the global position is not (it is the store's).
 *
 * `canonical`, the canonical JSON of the data and of the metadata where the caller has it already
 * (a store stamping an event: canonicalJsonOfParsed), spares writing them again; the content's
 * other members must then all be defined, as a stamped event's are.
 */
export function contentHashOf(content: HashedContent, canonical?: { readonly data: string; readonly metadata: string }): string {
  if (canonical) {
    // canonicalJson's text of the object below: members in sorted order, none left out.
    return sha256Hex(
      `{"data":${canonical.data},"eventId":${JSON.stringify(content.eventId)},"metadata":${canonical.metadata},` +
        `"schemaVersion":${canonicalJson(content.schemaVersion)},"streamId":${JSON.stringify(content.streamId)},` +
        `"streamPosition":${canonicalJson(content.streamPosition)},"ticketId":${JSON.stringify(content.ticketId)},"type":${JSON.stringify(content.type)}}`,
    );
  }
  return sha256Hex(
    canonicalJson({
      eventId: content.eventId,
      type: content.type,
      schemaVersion: content.schemaVersion,
      streamId: content.streamId,
      streamPosition: content.streamPosition,
      ticketId: content.ticketId,
      data: content.data,
      metadata: content.metadata,
    }),
  );
}

/**
 * The chain link. Kept to a plain concatenation so that a store can compute it
 * inside the database (PostgreSQL: sha256(convert_to(previous || content, 'UTF8'))).
 */
export function chainHash(previousHash: string, contentHash: string): string {
  return sha256Hex(previousHash + contentHash);
}

export type { ChainBreak, ChainVerification } from './api/audit';

/**
 * Recomputes a stream's chain from the stored events alone. `headHash`, where the
 * store keeps one, catches a deleted last event, which no link can.
 */
export function verifyChain(events: readonly RecordedEvent[], headHash?: string): ChainVerification {
  let previous = GENESIS_HASH;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    if (event.streamPosition !== index) {
      return {
        ok: false,
        eventsChecked: index,
        firstBreak: { kind: 'position_gap', expectedPosition: index, foundPosition: event.streamPosition },
      };
    }
    if (contentHashOf(event) !== event.contentHash) {
      return {
        ok: false,
        eventsChecked: index,
        firstBreak: { kind: 'content_changed', streamPosition: index, eventId: event.eventId },
      };
    }
    if (event.previousHash !== previous || chainHash(previous, event.contentHash) !== event.hash) {
      return {
        ok: false,
        eventsChecked: index,
        firstBreak: { kind: 'link_broken', streamPosition: index, eventId: event.eventId },
      };
    }
    previous = event.hash;
  }
  if (headHash !== undefined && headHash !== previous) {
    return {
      ok: false,
      eventsChecked: events.length,
      firstBreak: { kind: 'head_mismatch', expectedHash: headHash, foundHash: previous },
    };
  }
  return { ok: true, eventsChecked: events.length };
}
