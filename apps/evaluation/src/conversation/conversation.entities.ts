import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NoteMentions } from '@handoff/contracts';

/** One row per internal note (`NoteAdded`), beside the ticket's timeline entries. Rebuildable from evaluation's topic. */
@Entity({ name: 'ticket_notes' })
export class TicketNote {
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'ticket_id' })
  ticketId!: string;

  @Column('uuid', { name: 'note_id' })
  noteId!: string;

  @Column('text', { name: 'stream_id' })
  streamId!: string;

  @Column('integer', { name: 'stream_position' })
  streamPosition!: number;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('timestamptz', { name: 'recorded_at' })
  recordedAt!: Date;

  @Column('text', { name: 'actor_id' })
  actorId!: string;

  @Column('text')
  role!: string;

  @Column('text', { nullable: true })
  department!: string | null;

  @Column('text')
  text!: string;

  @Column('jsonb')
  mentions!: NoteMentions;
}

export const CONVERSATION_ENTITIES = [TicketNote];
