import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AttachmentContentType } from '@handoff/contracts';

/**
 * A file's bytes, sealed with the customer's key, once per ticket and content hash. This is the
 * file itself, not a view of events: no rebuild replays it (it is in no read model's tables), and
 * erasing the customer's key leaves it unreadable where it lies.
 */
@Entity({ name: 'attachment_contents' })
export class AttachmentContent {
  @PrimaryColumn('uuid', { name: 'ticket_id' })
  ticketId!: string;

  @PrimaryColumn('text', { name: 'content_hash' })
  contentHash!: string;

  @Column('text', { name: 'key_id' })
  keyId!: string;

  @Column('bytea')
  sealed!: Buffer;

  @Column('text', { name: 'content_type' })
  contentType!: AttachmentContentType;

  @Column('integer')
  size!: number;

  @Column('timestamptz', { name: 'stored_at' })
  storedAt!: Date;
}

/** One row per `AttachmentAdded`: which file is on which entry of a ticket's conversation. Rebuildable from evaluation's topic. */
@Entity({ name: 'ticket_attachments' })
export class TicketAttachment {
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'ticket_id' })
  ticketId!: string;

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

  @Column('text', { name: 'content_hash' })
  contentHash!: string;

  @Column('text', { name: 'key_id' })
  keyId!: string;

  /** Sealed with the customer's key, as the event carries it. */
  @Column('text', { name: 'file_name' })
  fileName!: string;

  @Column('text', { name: 'content_type' })
  contentType!: AttachmentContentType;

  @Column('integer')
  size!: number;

  @Column('uuid', { name: 'entry_id', nullable: true })
  entryId!: string | null;
}

export const ATTACHMENT_ENTITIES = [AttachmentContent, TicketAttachment];
