import { DAY_MS } from '@handoff/service-time';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { z } from 'zod';
import {
  CLOSE_OUTCOMES,
  cursorInstant,
  departmentSchema,
  DomainError,
  isoInstantSchema,
  pageOf,
  pageQueryShape,
  type LifecycleView,
  type TicketListView,
  type TicketTimelineView,
  type TimelineEntryView,
} from '@handoff/contracts';
import { TicketLifecycleRecord, TicketTimelineEntry } from './timeline.entities';
import { ALL_DEPARTMENTS, OPEN } from './ticket-list-counts';
import { inTimelineOrder } from './timeline-order';


export const MAX_PAGE_SIZE = 200;

const booleanParameter = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

/** Filters of the ticket list; `open` means not closed yet. */
export const ticketListQuerySchema = z
  .strictObject({
    outcome: z.enum([...CLOSE_OUTCOMES, 'open']).optional(),
    /** Tickets this department had at some point (routed, passed, reopened to). */
    department: departmentSchema.optional(),
    /** Opened at or after this instant. */
    from: isoInstantSchema.optional(),
    /** Opened before this instant. */
    to: isoInstantSchema.optional(),
    /** true: complaints only; false: everything but complaints. */
    complaint: booleanParameter.optional(),
    /** true: escalated at least once; false: never escalated. */
    escalated: booleanParameter.optional(),
    /** true: the answer also counts every ticket the filters match (one more query). */
    count: booleanParameter.optional(),
    ...pageQueryShape({ key: z.tuple([cursorInstant.nullable(), z.string().min(1).max(200)]), defaultLimit: 50, maxLimit: MAX_PAGE_SIZE }),
  })
  .refine(({ from, to }) => from === undefined || to === undefined || Date.parse(from) < Date.parse(to), {
    message: 'must be after from',
    path: ['to'],
  });
export type TicketListQuery = z.infer<typeof ticketListQuerySchema>;

/** Answers the timeline questions from the read model; never from the events themselves. */
@Injectable()
export class TimelineReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async timeline(ticketId: string): Promise<TicketTimelineView> {
    // One snapshot, so the figures and the entries they were computed from agree.
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const lifecycle = await manager.getRepository(TicketLifecycleRecord).findOneBy({ ticketId });
      if (!lifecycle) throw new DomainError('NOT_FOUND', `no timeline for ticket ${ticketId}`);
      const entries = await manager.getRepository(TicketTimelineEntry).findBy({ ticketId });
      return { ticketId, lifecycle: lifecycleView(lifecycle), entries: inTimelineOrder(entries).map(entryView) };
    });
  }

  /**
   * Newest opened first, then by ticket id (descending too, so one row comparison walks the
   * index from the cursor); tickets whose intake events have not arrived yet come last.
   */
  async list(query: TicketListQuery): Promise<TicketListView> {
    const openedKey = `COALESCE(lifecycle.opened_at, '-infinity'::timestamptz)`;
    const select = this.dataSource.getRepository(TicketLifecycleRecord).createQueryBuilder('lifecycle');
    if (query.outcome === 'open') select.andWhere('lifecycle.outcome IS NULL');
    else if (query.outcome) select.andWhere('lifecycle.outcome = :outcome', { outcome: query.outcome });
    if (query.department) select.andWhere('lifecycle.departments_visited @> ARRAY[:department]::text[]', { department: query.department });
    if (query.from) select.andWhere('lifecycle.opened_at >= :from', { from: new Date(query.from) });
    if (query.to) select.andWhere('lifecycle.opened_at < :to', { to: new Date(query.to) });
    if (query.complaint !== undefined) select.andWhere(query.complaint ? 'lifecycle.complaint' : 'NOT lifecycle.complaint');
    if (query.escalated !== undefined) select.andWhere(query.escalated ? 'lifecycle.escalation_count > 0' : 'lifecycle.escalation_count = 0');
    const total = query.count ? await this.count(query, select.clone()) : undefined;
    if (query.cursor) {
      const [openedAt, ticketId] = query.cursor;
      select.andWhere(`(${openedKey}, lifecycle.ticket_id COLLATE "C") < (${openedAt === null ? `'-infinity'::timestamptz` : 'CAST(:openedAt AS timestamptz)'}, :ticketId)`, {
        openedAt,
        ticketId,
      });
    }
    const records = await select
      .orderBy(openedKey, 'DESC')
      .addOrderBy('lifecycle.ticket_id COLLATE "C"', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    const page = pageOf(records, query.limit, (record) => [record.openedAt?.toISOString() ?? null, record.ticketId], lifecycleView);
    return total === undefined ? page : { ...page, total };
  }

  /**
   * How many tickets the list's filters match: the window's whole UTC days summed from the
   * list's counts (ticket-list-counts.ts), its ends counted ticket by ticket (`matching`, the
   * list's query), so the count of a year reads a row per day and kind, not every ticket.
   */
  private async count(query: TicketListQuery, matching: SelectQueryBuilder<TicketLifecycleRecord>): Promise<number> {
    const from = query.from === undefined ? undefined : Date.parse(query.from);
    const to = query.to === undefined ? undefined : Date.parse(query.to);
    const firstDay = from === undefined ? undefined : Math.ceil(from / DAY_MS) * DAY_MS;
    const endDay = to === undefined ? undefined : Math.floor(to / DAY_MS) * DAY_MS;
    // Within two days: no whole day to sum.
    if (firstDay !== undefined && endDay !== undefined && firstDay >= endDay) return matching.getCount();
    const conditions = ['department = $1'];
    const parameters: unknown[] = [query.department ?? ALL_DEPARTMENTS];
    const condition = (sql: (placeholder: string) => string, value: unknown) => {
      parameters.push(value);
      conditions.push(sql(`$${parameters.length}`));
    };
    // Tickets not opened yet ('-infinity') match no bound on the opening time.
    if (firstDay !== undefined) condition((at) => `day >= ${at}`, new Date(firstDay));
    else if (endDay !== undefined) conditions.push("day > '-infinity'");
    if (endDay !== undefined) condition((at) => `day < ${at}`, new Date(endDay));
    if (query.outcome) condition((outcome) => `outcome = ${outcome}`, query.outcome === 'open' ? OPEN : query.outcome);
    if (query.complaint !== undefined) condition((complaint) => `complaint = ${complaint}`, query.complaint);
    if (query.escalated !== undefined) condition((escalated) => `escalated = ${escalated}`, query.escalated);
    const [{ tickets }] = (await this.dataSource.query(`SELECT coalesce(sum(tickets), 0)::int AS tickets FROM ticket_list_counts WHERE ${conditions.join(' AND ')}`, parameters)) as {
      tickets: number;
    }[];
    // The window's ends, before its first whole day and from its last.
    const ends: string[] = [];
    if (firstDay !== undefined && from! < firstDay) ends.push('lifecycle.opened_at < :firstDay');
    if (endDay !== undefined && endDay < to!) ends.push('lifecycle.opened_at >= :endDay');
    if (ends.length === 0) return tickets;
    return tickets + (await matching.andWhere(`(${ends.join(' OR ')})`, { firstDay: firstDay === undefined ? null : new Date(firstDay), endDay: endDay === undefined ? null : new Date(endDay) }).getCount());
  }
}

function entryView(entry: TicketTimelineEntry): TimelineEntryView {
  return {
    eventId: entry.eventId,
    service: entry.service,
    streamId: entry.streamId,
    streamPosition: entry.streamPosition,
    type: entry.type,
    schemaVersion: entry.schemaVersion,
    occurredAt: entry.occurredAt.toISOString(),
    recordedAt: entry.recordedAt.toISOString(),
    actorId: entry.actorId,
    role: entry.role,
    department: entry.department,
    reason: entry.reason,
    correlationId: entry.correlationId,
    causationId: entry.causationId,
    summary: entry.summary,
    data: entry.data,
  };
}

function lifecycleView(record: TicketLifecycleRecord): LifecycleView {
  const iso = (instant: Date | null): string | null => instant?.toISOString() ?? null;
  return {
    ticketId: record.ticketId,
    subject: record.subject,
    channel: record.channel,
    type: record.type,
    complaint: record.complaint,
    openedAt: iso(record.openedAt),
    firstResponseAt: iso(record.firstResponseAt),
    resolvedAt: iso(record.resolvedAt),
    closedAt: iso(record.closedAt),
    outcome: record.outcome,
    resolvedAtFirstContact: record.resolvedAtFirstContact,
    rounds: record.rounds,
    reopens: record.reopens,
    firstResponseMinutes: record.firstResponseMinutes,
    resolutionMinutes: record.resolutionMinutes,
    pausedMinutes: record.pausedMinutes,
    firstResponseDeadlineMet: record.firstResponseDeadlineMet,
    resolutionDeadlineMet: record.resolutionDeadlineMet,
    departmentsVisited: record.departmentsVisited,
    escalationCount: record.escalationCount,
    escalations: record.escalations,
    managementInvolved: record.managementInvolved,
    eventCount: record.eventCount,
    updatedAt: record.updatedAt.toISOString(),
  };
}
