import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError, inTimelineOrder, type Actor, type Department, type TicketConversationView } from '@handoff/contracts';
import { summarise } from '@handoff/audit';
import { assertMayReadTimeline, departmentsConcerned } from '../timeline/timeline-access';
import { TicketLifecycleRecord, TicketTimelineEntry } from '../timeline/timeline.entities';
import { conversationOf, type ConversationSource } from './conversation';
import { TicketNote } from './conversation.entities';

/** A source with the instants the timeline order compares. */
type Positioned = Omit<ConversationSource, 'occurredAt'> & { readonly occurredAt: Date; readonly recordedAt: Date };

/** Answers "what was said on this ticket" from the timeline and the notes, in one snapshot. */
@Injectable()
export class ConversationReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async conversation(ticketId: string, actor: Actor): Promise<TicketConversationView> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const lifecycle = await manager.getRepository(TicketLifecycleRecord).findOneBy({ ticketId });
      if (!lifecycle) throw new DomainError('NOT_FOUND', `no conversation for ticket ${ticketId}`);
      const entries = await manager.getRepository(TicketTimelineEntry).findBy({ ticketId });
      assertMayReadTimeline(actor, departmentsConcerned(lifecycle.departmentsVisited, entries));
      const notes = await manager.getRepository(TicketNote).findBy({ ticketId });
      const ordered = inTimelineOrder<Positioned>([...entries.map(fromEntry), ...notes.map(fromNote)]);
      const contact = entries.find((entry) => entry.type === 'ContactRecorded');
      const subject = contact && typeof (contact.data as { subject?: unknown }).subject === 'string' ? (contact.data as { subject: string }).subject : null;
      return {
        ticketId,
        subject,
        type: lifecycle.type,
        channel: lifecycle.channel,
        complaint: lifecycle.complaint,
        status: lifecycle.outcome ?? 'open',
        rounds: lifecycle.rounds,
        departmentsVisited: lifecycle.departmentsVisited,
        entries: conversationOf(ordered.map(({ occurredAt, recordedAt: _recordedAt, ...rest }) => ({ ...rest, occurredAt: occurredAt.toISOString() }))),
      };
    });
  }

  /** The departments a ticket concerns, or null when no event of it has reached evaluation. */
  async departmentsConcerned(ticketId: string): Promise<readonly Department[] | null> {
    const lifecycle = await this.dataSource.getRepository(TicketLifecycleRecord).findOneBy({ ticketId });
    if (!lifecycle) return null;
    const transfers = await this.dataSource.getRepository(TicketTimelineEntry).findBy({ ticketId, type: 'TransferRequested' });
    return departmentsConcerned(lifecycle.departmentsVisited, transfers);
  }
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
