import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { DomainError, inTimelineOrder, type Actor, type AttachmentView, type Department, type TicketConversationView } from '@handoff/contracts';
import { summarise } from '@handoff/audit';
import { CUSTOMER_VAULT } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import { SearchTicket } from '../search/search.entities';
import { assertMayReadTimeline, currentDepartment, departmentsConcerned, mayReadContactDetails } from '../timeline/timeline-access';
import { TicketLifecycleRecord, TicketTimelineEntry } from '../timeline/timeline.entities';
import { conversationOf, type ConversationSource } from './conversation';
import { TicketAttachment } from './attachments.entities';
import type { AttachableEntry } from './conversation.decider';
import { TicketNote } from './conversation.entities';

/** Where a ticket's customer key stands, for sealing a file with it. */
export type TicketCustomerKey = { readonly status: 'known'; readonly keyId: string } | { readonly status: 'erased' } | { readonly status: 'not_yet' };

export const attachmentHref = (ticketId: string, contentHash: string) => `/v1/tickets/${ticketId}/attachments/${contentHash}`;

/** A source with the instants the timeline order compares. */
type Positioned = Omit<ConversationSource, 'occurredAt'> & { readonly occurredAt: Date; readonly recordedAt: Date };

/** Answers "what was said on this ticket" from the timeline and the notes, in one snapshot. */
@Injectable()
export class ConversationReader {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
  ) {}

  /**
   * `revealContactDetails`: open the contact details typed into the words in clear whatever the
   * actor's role (the customer's own data export); otherwise they open as `mayReadContactDetails` says.
   */
  async conversation(ticketId: string, actor: Actor, options: { readonly revealContactDetails?: boolean } = {}): Promise<TicketConversationView> {
    const { view, files, holding } = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const lifecycle = await manager.getRepository(TicketLifecycleRecord).findOneBy({ ticketId });
      if (!lifecycle) throw new DomainError('NOT_FOUND', `no conversation for ticket ${ticketId}`);
      const entries = await manager.getRepository(TicketTimelineEntry).findBy({ ticketId });
      assertMayReadTimeline(actor, departmentsConcerned(lifecycle.departmentsVisited, entries));
      const notes = await manager.getRepository(TicketNote).findBy({ ticketId });
      const files = await manager.getRepository(TicketAttachment).findBy({ ticketId });
      const watchers = await watchersOf(manager, ticketId);
      const ordered = inTimelineOrder<Positioned>([...entries.map(fromEntry), ...notes.map(fromNote), ...files.map(fromAttachment)]);
      const contact = entries.find((entry) => entry.type === 'ContactRecorded');
      const subject = contact && typeof (contact.data as { subject?: unknown }).subject === 'string' ? (contact.data as { subject: string }).subject : null;
      const view = {
        ticketId,
        subject,
        type: lifecycle.type,
        channel: lifecycle.channel,
        complaint: lifecycle.complaint,
        status: lifecycle.outcome ?? 'open',
        rounds: lifecycle.rounds,
        departmentsVisited: lifecycle.departmentsVisited,
        watching: watchers.includes(actor.id),
        watchers,
        ordered: ordered.map(({ occurredAt, recordedAt: _recordedAt, ...rest }) => ({ ...rest, occurredAt: occurredAt.toISOString() })),
      };
      return { view, files, holding: currentDepartment(ordered) };
    });
    // Opened outside the snapshot: the names are sealed with the customer's key, in the vault's own database.
    const attachments = new Map<string, AttachmentView>();
    for (const file of files) {
      attachments.set(file.eventId, {
        contentHash: file.contentHash,
        fileName: await this.vault.openFileName(file.keyId, file.fileName, ticketId),
        contentType: file.contentType,
        size: file.size,
        entryId: file.entryId,
        href: attachmentHref(ticketId, file.contentHash),
      });
    }
    const { ordered, ...rest } = view;
    const reveal = options.revealContactDetails === true || mayReadContactDetails(actor, holding);
    return this.vault.openTexts({ ...rest, entries: conversationOf(ordered, attachments) }, ticketId, reveal);
  }

  /** Throws as the conversation would: 404 for a ticket evaluation has not seen, 403 for a department it never concerned. */
  async assertMayRead(ticketId: string, actor: Actor): Promise<void> {
    const departments = await this.departmentsConcerned(ticketId);
    if (departments === null) throw new DomainError('NOT_FOUND', `no conversation for ticket ${ticketId}`);
    assertMayReadTimeline(actor, departments);
  }

  /** The conversation entry with this event id on this ticket, if it has one: a timeline entry or a note. */
  async entryOf(ticketId: string, eventId: string): Promise<AttachableEntry | null> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager: EntityManager) => {
      const entry = await manager.getRepository(TicketTimelineEntry).findOneBy({ ticketId, eventId });
      if (entry) return { eventId, type: entry.type, department: entry.department };
      const note = await manager.getRepository(TicketNote).findOneBy({ ticketId, eventId });
      return note ? { eventId, type: 'NoteAdded', department: note.department } : null;
    });
  }

  /** A file's name on this ticket (as first attached), or null when it is not projected yet or the customer was erased. */
  async fileNameOf(ticketId: string, contentHash: string): Promise<string | null> {
    const file = await this.dataSource.getRepository(TicketAttachment).findOne({ where: { ticketId, contentHash }, order: { recordedAt: 'ASC' } });
    return file ? this.vault.openFileName(file.keyId, file.fileName, ticketId) : null;
  }

  /** The key the ticket's customer details are sealed with, as intake's contact brought it. */
  async customerKeyOf(ticketId: string): Promise<TicketCustomerKey> {
    const row = await this.dataSource.getRepository(SearchTicket).findOne({ where: { ticketId }, select: { customerKeyId: true, customerErased: true } });
    if (row?.customerErased) return { status: 'erased' };
    return row?.customerKeyId ? { status: 'known', keyId: row.customerKeyId } : { status: 'not_yet' };
  }

  /** The departments a ticket concerns, or null when no event of it has reached evaluation. */
  async departmentsConcerned(ticketId: string): Promise<readonly Department[] | null> {
    const lifecycle = await this.dataSource.getRepository(TicketLifecycleRecord).findOneBy({ ticketId });
    if (!lifecycle) return null;
    const asked = await this.dataSource.getRepository(TicketTimelineEntry).findBy({ ticketId, type: In(['TransferRequested', 'SubRequestOpened']) });
    return departmentsConcerned(lifecycle.departmentsVisited, asked);
  }
}

/** Whoever's latest watch row (by stream position: one stream, so exact) says they watch, earliest watch first. */
async function watchersOf(manager: EntityManager, ticketId: string): Promise<string[]> {
  const rows: { watcher_id: string }[] = await manager.query(
    `SELECT watcher_id FROM (
       SELECT DISTINCT ON (watcher_id) watcher_id, watching, occurred_at FROM ticket_watch_events WHERE ticket_id = $1 ORDER BY watcher_id, stream_position DESC
     ) latest
     WHERE watching ORDER BY occurred_at, watcher_id`,
    [ticketId],
  );
  return rows.map((row) => row.watcher_id);
}

function fromEntry(entry: TicketTimelineEntry): Positioned {
  return {
    eventId: entry.eventId,
    type: entry.type,
    service: entry.service,
    streamId: entry.streamId,
    streamPosition: entry.streamPosition,
    occurredAt: entry.occurredAt,
    recordedAt: entry.recordedAt,
    actorId: entry.actorId,
    role: entry.role,
    department: entry.department,
    reason: entry.reason,
    summary: entry.summary,
    data: entry.data,
  };
}

function fromAttachment(file: TicketAttachment): Positioned {
  // The sealed name stays out of the entry's data: the reader opens it into the attachment's view.
  const data = { contentHash: file.contentHash, contentType: file.contentType, size: file.size, entryId: file.entryId };
  return {
    eventId: file.eventId,
    type: 'AttachmentAdded',
    service: 'evaluation',
    streamId: file.streamId,
    streamPosition: file.streamPosition,
    occurredAt: file.occurredAt,
    recordedAt: file.recordedAt,
    actorId: file.actorId,
    role: file.role,
    department: file.department,
    reason: null,
    summary: summarise({ type: 'AttachmentAdded', schemaVersion: 1, data: { ...data, keyId: file.keyId, fileName: file.fileName } }),
    data,
  };
}

function fromNote(note: TicketNote): Positioned {
  const data = { noteId: note.noteId, text: note.text, mentions: note.mentions };
  return {
    eventId: note.eventId,
    type: 'NoteAdded',
    service: 'evaluation',
    streamId: note.streamId,
    streamPosition: note.streamPosition,
    occurredAt: note.occurredAt,
    recordedAt: note.recordedAt,
    actorId: note.actorId,
    role: note.role,
    department: note.department,
    reason: null,
    summary: summarise({ type: 'NoteAdded', schemaVersion: 1, data }),
    data,
  };
}
