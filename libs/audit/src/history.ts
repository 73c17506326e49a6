import { inTimelineOrder, serviceOfStream, verifyChain, type ChainVerification, type RecordedEvent } from '@handoff/contracts';
import type { EventStore } from '@handoff/event-store';

/** One service's event store, read directly: an audit trusts no read model and no topic. */
export interface AuditSource {
  readonly service: string;
  readonly store: EventStore;
}

/** The kinds of stream a service keeps per ticket: its workflow, its record of privacy events, and (intake) access requests. */
export const TICKET_STREAM_KINDS = ['ticket', 'privacy', 'access'] as const;

export const ticketStreamIds = (service: string, ticketId: string): string[] => TICKET_STREAM_KINDS.map((kind) => `${service}-${kind}-${ticketId}`);

export interface HistoryEntry extends RecordedEvent {
  readonly service: string;
}

/** Every event of a ticket from every service's store, in the one stable order (contracts' ticket-order). */
export async function readTicketHistory(sources: readonly AuditSource[], ticketId: string): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for (const source of sources) {
    for (const streamId of ticketStreamIds(source.service, ticketId)) {
      for (const event of await source.store.readStream(streamId)) entries.push({ ...event, service: source.service });
    }
  }
  return orderHistory(entries);
}

export function orderHistory<E extends RecordedEvent & { service?: string }>(events: readonly E[]): E[] {
  const positioned = events.map((event) => ({
    event,
    service: event.service ?? serviceOfStream(event.streamId),
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    occurredAt: new Date(event.metadata.occurredAt),
    recordedAt: new Date(event.metadata.recordedAt),
  }));
  return inTimelineOrder(positioned).map((entry) => entry.event);
}

export interface StreamVerification extends ChainVerification {
  readonly service: string;
  readonly streamId: string;
}

export async function verifyStream(source: AuditSource, streamId: string): Promise<StreamVerification> {
  const [events, head] = await Promise.all([source.store.readStream(streamId), source.store.streamHead(streamId)]);
  return { service: source.service, streamId, ...verifyChain(events, head?.hash) };
}

/** Recomputes the hash chain of each of the ticket's streams, against each store's own head. */
export async function verifyTicket(sources: readonly AuditSource[], ticketId: string): Promise<{ ok: boolean; streams: StreamVerification[] }> {
  const streams: StreamVerification[] = [];
  for (const source of sources) {
    for (const streamId of ticketStreamIds(source.service, ticketId)) {
      if ((await source.store.streamHead(streamId)) === null && (await source.store.readStream(streamId)).length === 0) continue;
      streams.push(await verifyStream(source, streamId));
    }
  }
  return { ok: streams.every((stream) => stream.ok), streams };
}

/** Every stream of every source; calls back per stream so a caller can show progress. */
export async function verifyEverything(
  sources: readonly AuditSource[],
  onStream?: (result: StreamVerification) => void,
): Promise<{ ok: boolean; streams: number; broken: StreamVerification[] }> {
  const broken: StreamVerification[] = [];
  let streams = 0;
  for (const source of sources) {
    for await (const streamId of source.store.listStreams(`${source.service}-`)) {
      const result = await verifyStream(source, streamId);
      streams++;
      if (!result.ok) broken.push(result);
      onStream?.(result);
    }
  }
  return { ok: broken.length === 0, streams, broken };
}
