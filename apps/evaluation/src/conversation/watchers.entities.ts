import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per watch or unwatch of a ticket (`TicketWatched`, `TicketUnwatched`). Only ever inserted:
 * who watches, and since when, is read from the latest row of each watcher (conversation.reader.ts, notifications.reader.ts), so
 * the table is the same whatever order a rebuild or the live consumer writes it in.
 */
@Entity({ name: 'ticket_watch_events' })
export class TicketWatchEvent {
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'ticket_id' })
  ticketId!: string;

  @Column('text', { name: 'watcher_id' })
  watcherId!: string;

  @Column('boolean')
  watching!: boolean;

  @Column('integer', { name: 'stream_position' })
  streamPosition!: number;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;
}

export const WATCHER_ENTITIES = [TicketWatchEvent];
