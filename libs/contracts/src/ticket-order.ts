import { STREAM_PREFIXES } from './events/common';

/** The services in workflow order: intake hands over to routing, whose result follow-up confirms. */
export const SERVICE_ORDER: readonly string[] = ['intake', 'routing', 'followup'];

/** The service that owns a stream, from its prefix: `routing-ticket-<id>` → `routing`. */
export function serviceOfStream(streamId: string): string {
  for (const [service, prefix] of Object.entries(STREAM_PREFIXES)) {
    if (streamId.startsWith(prefix)) return service;
  }
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : streamId;
}

export interface TimelinePosition {
  readonly service: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
}

/**
 * A ticket's events from all its streams in one stable order, the same whatever order Kafka
 * delivered them in:
 *
 * 1. Within one stream, stream position, always. Occurred-at comes from each command's clock
 *    (or an upstream system) and recorded-at from the store's transaction start, so neither is
 *    guaranteed to rise along a stream; the position is the stream's own truth.
 * 2. Across streams, the streams are merged: the next entry is the earliest of the streams'
 *    next entries by occurred-at, then recorded-at, then service in workflow order (intake,
 *    routing, follow-up; any other service after them, by name), then stream id.
 *
 * When occurred-at rises along every stream (the normal case) this is simply "by occurred-at,
 * then recorded-at, then service, then stream position".
 */
export function inTimelineOrder<T extends TimelinePosition>(entries: readonly T[]): T[] {
  const streams = new Map<string, T[]>();
  for (const entry of entries) {
    const stream = streams.get(entry.streamId);
    if (stream) stream.push(entry);
    else streams.set(entry.streamId, [entry]);
  }
  const queues = [...streams.values()].map((stream) => stream.sort((a, b) => a.streamPosition - b.streamPosition));
  const next = queues.map(() => 0);
  const ordered: T[] = [];
  while (ordered.length < entries.length) {
    let earliest = -1;
    for (let index = 0; index < queues.length; index++) {
      if (next[index] >= queues[index].length) continue;
      if (earliest < 0 || compareHeads(queues[index][next[index]], queues[earliest][next[earliest]]) < 0) earliest = index;
    }
    ordered.push(queues[earliest][next[earliest]++]);
  }
  return ordered;
}

function compareHeads(a: TimelinePosition, b: TimelinePosition): number {
  return (
    a.occurredAt.getTime() - b.occurredAt.getTime() ||
    a.recordedAt.getTime() - b.recordedAt.getTime() ||
    serviceRank(a.service) - serviceRank(b.service) ||
    compareText(a.service, b.service) ||
    compareText(a.streamId, b.streamId)
  );
}

function serviceRank(service: string): number {
  const rank = SERVICE_ORDER.indexOf(service);
  return rank < 0 ? SERVICE_ORDER.length : rank;
}

/** Code-point order, not locale order, so the result is the same on every machine. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
