import { cutWords, EVENT_CONTRACTS, isPolicyChange, typedEventOf, type RecordedEvent } from '@handoff/contracts';
import { queriesTogether, writeTables } from '@handoff/read-models';
import { type EventHandler } from '@handoff/messaging';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { withoutContactDetails } from './contact-details';
import type { TicketLifecycle } from './lifecycle';
import { KpiTicketFacts } from '../kpis/kpi-facts.entities';
import { kpiFactsOf } from '../kpis/kpi-facts';
import { DAILY_FACT_COLUMNS } from '../kpis/kpi-daily';
import { addDailyChanges } from '../kpis/kpi-daily.writer';
import { DEADLINE_POLICY_COLUMNS, deadlinesOf, type DeadlinePolicyRow } from '../kpis/kpi-verdicts.writer';
import { recordEventOf } from '../records/from-timeline';
import { serviceRecordOf } from '../records/service-record';
import { summarise } from '@handoff/audit';
import { TicketLifecycleRecord, TicketTimelineEntry } from './timeline.entities';
import { DayRows, TIMELINE_TICKET_LOCK_CLASS } from '../timeline-writers';
import { addListCountChanges, LIST_COUNTED_COLUMNS, type ListCounted } from './ticket-list-counts';
import { inTimelineOrder, serviceOfStream } from './timeline-order';

/**
 * The timeline read model: every event of the three topics becomes a timeline entry, and the
 * ticket's lifecycle row is recomputed from all its entries in timeline order.
 *
 * Events of one ticket arrive on three topics and may be applied concurrently (partitions are
 * consumed in parallel). Each transaction first takes a per-ticket lock, so the second one
 * waits, then sees the first one's entry, and the lifecycle is always computed from every
 * entry committed so far. Arrival order does not matter: the figures are recomputed from the
 * whole timeline in its stable order each time.
 */
export function timelineProjection(clock: () => Date = () => new Date()): EventHandler {
  return {
    // No `eventTypes`: every event of a ticket goes on the timeline, including types this build does not know yet.
    async handle(batch, manager) {
      const events = batch.filter((event) => !isPolicyChange(event));
      if (events.length === 0) return;
      // A known type whose data breaks its contract throws ValidationFailed: the consumer
      // dead-letters it with the reason instead of letting it distort the figures.
      for (const event of events) typedEventOf(EVENT_CONTRACTS, event);
      // Taken in one order, so that two batches never wait on each other crosswise.
      const ticketIds = [...new Set(events.map((event) => event.ticketId))].sort();
      // The locks, the tickets' entries and their rows as stored, in one round trip: the reads run
      // once the locks are held, each with a snapshot taken as it begins. The first statement also
      // reads the policy the facts are judged under. Its snapshot is taken before the locks are
      // waited for, which is enough for the policy: facts judged under one just replaced carry its
      // key, and the refresher judges them again.
      const stored = storedRowsOf(manager, ticketIds);
      const [[policy], entries, storedRows] = (await queriesTogether(manager, [
        {
          sql: `WITH locked AS MATERIALIZED (SELECT count(pg_advisory_xact_lock($1, hashtext(ticket_id))) AS tickets FROM unnest($2::text[]) AS ticket_id)
                SELECT ${DEADLINE_POLICY_COLUMNS} FROM locked LEFT JOIN kpi_deadline_policy ON true`,
          parameters: [TIMELINE_TICKET_LOCK_CLASS, ticketIds],
        },
        { sql: `SELECT ${ENTRY_COLUMNS(manager)} FROM ticket_timeline_entries WHERE ticket_id = ANY($1::text[])`, parameters: [ticketIds] },
        stored.statement,
      ])) as [DeadlinePolicyRow[], TicketTimelineEntry[], Record<string, unknown>[]];
      // Everything read and computed first, then written together: a transaction holds a
      // transaction id from its first write, and every relay on the server waits for it.
      const byTicket = new Map<string, TicketTimelineEntry[]>();
      const known = new Set<string>();
      const add = (entry: TicketTimelineEntry) => {
        known.add(entry.eventId.toLowerCase());
        const list = byTicket.get(entry.ticketId);
        if (list) list.push(entry);
        else byTicket.set(entry.ticketId, [entry]);
      };
      for (const entry of entries) add(entry);
      // The day tallies and the list's counts change by the difference between the tickets' rows as stored and as recomputed.
      const { facts: storedFacts, records: storedRecords } = stored.read(storedRows);
      // `policy=now` verdicts judged as the facts are written; a policy changed meanwhile leaves them for the refresher.
      const deadlines = deadlinesOf(policy);
      const fresh: TicketTimelineEntry[] = [];
      for (const event of events) {
        if (known.has(event.eventId.toLowerCase())) continue;
        const entry = timelineEntryOf(event);
        fresh.push(entry);
        add(entry);
      }
      const now = clock();
      const records: TicketLifecycleRecord[] = [];
      const facts: KpiTicketFacts[] = [];
      for (const ticketId of ticketIds) {
        const timeline = inTimelineOrder(byTicket.get(ticketId) ?? []);
        // One fold of the ticket for both: the service record carries the lifecycle it was judged on.
        const record = serviceRecordOf(timeline.map(recordEventOf));
        records.push(lifecycleRecordOf(ticketId, timeline, now, record.lifecycle));
        const ticketFacts = kpiFactsOf(record, deadlines);
        if (ticketFacts) facts.push(ticketFacts);
      }
      await writeTables(manager, [
        { entity: TicketTimelineEntry, rows: fresh },
        { entity: TicketLifecycleRecord, rows: records, options: { onConflict: ['ticketId'] } },
        { entity: KpiTicketFacts, rows: facts, options: { onConflict: ['ticketId'] } },
      ]);
      const dayRows = new DayRows();
      addDailyChanges(dayRows, storedFacts, facts);
      addListCountChanges(dayRows, storedRecords, records);
      await dayRows.write(manager);
    },
  };
}

/** Columns of `entity` by property, selected from `alias` under names of their own. */
function selected<Entity>(manager: EntityManager, entity: new () => Entity, alias: string, properties: readonly (keyof Entity & string)[]) {
  const metadata = manager.connection.getMetadata(entity);
  return properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property)!.databaseName;
    return { property, sql: `${alias}.${column} AS "${alias}.${property}"`, name: `${alias}.${property}` };
  });
}

/**
 * Every column of a timeline entry under its property's name. The driver gives each column the
 * value TypeORM would (no transformer is declared on them), so a row read so is the entity's.
 */
const ENTRY_COLUMNS = (manager: EntityManager): string =>
  manager.connection
    .getMetadata(TicketTimelineEntry)
    .columns.map((column) => `${column.databaseName} AS "${column.propertyName}"`)
    .join(', ');

/**
 * The batch's tickets' KPI facts and lifecycle rows as stored, what their day rows change from,
 * in one statement: a ticket without either has no entry on that side. The driver gives each
 * column the value TypeORM would (no transformer is declared on them).
 */
function storedRowsOf(manager: EntityManager, ticketIds: readonly string[]) {
  const factColumns = selected(manager, KpiTicketFacts, 'f', DAILY_FACT_COLUMNS);
  const recordColumns = selected(manager, TicketLifecycleRecord, 'l', LIST_COUNTED_COLUMNS);
  const of = <Row>(row: Record<string, unknown>, columns: readonly { property: string; name: string }[]) =>
    Object.fromEntries(columns.map(({ property, name }) => [property, row[name]])) as Row;
  return {
    statement: {
      sql: `SELECT ${[...factColumns, ...recordColumns].map(({ sql }) => sql).join(', ')}
              FROM unnest($1::text[]) AS t(ticket_id)
                   LEFT JOIN kpi_ticket_facts f ON f.ticket_id = t.ticket_id
                   LEFT JOIN ticket_lifecycles l ON l.ticket_id = t.ticket_id`,
      parameters: [ticketIds],
    },
    read: (rows: readonly Record<string, unknown>[]): { facts: KpiTicketFacts[]; records: ListCounted[] } => ({
      facts: rows.filter((row) => row['f.ticketId'] !== null).map((row) => of<KpiTicketFacts>(row, factColumns)),
      records: rows.filter((row) => row['l.ticketId'] !== null).map((row) => of<ListCounted>(row, recordColumns)),
    }),
  };
}

export function timelineEntryOf(event: RecordedEvent): TicketTimelineEntry {
  const { metadata } = event;
  return {
    eventId: event.eventId,
    ticketId: event.ticketId,
    service: serviceOfStream(event.streamId),
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    type: event.type,
    schemaVersion: event.schemaVersion,
    occurredAt: new Date(metadata.occurredAt),
    recordedAt: new Date(metadata.recordedAt),
    actorId: metadata.actorId,
    role: metadata.role,
    department: metadata.department ?? null,
    reason: metadata.reason ?? null,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    data: withoutContactDetails(event.data),
    summary: summarise(event),
  };
}

/** The lifecycle row of one ticket: its lifecycle, folded from its timeline (in timeline order), and where that timeline stands. */
export function lifecycleRecordOf(
  ticketId: string,
  timeline: readonly TicketTimelineEntry[],
  now: Date,
  lifecycle: TicketLifecycle,
): TicketLifecycleRecord {
  const streamPositions: Record<string, number> = {};
  for (const entry of timeline) streamPositions[entry.streamId] = Math.max(streamPositions[entry.streamId] ?? -1, entry.streamPosition);
  const instant = (iso: string | null): Date | null => (iso === null ? null : new Date(iso));
  return {
    ticketId,
    subject: lifecycle.subject === null ? null : cutWords(lifecycle.subject, 300),
    channel: lifecycle.channel,
    type: lifecycle.type,
    complaint: lifecycle.complaint,
    openedAt: instant(lifecycle.openedAt),
    firstResponseAt: instant(lifecycle.firstResponseAt),
    resolvedAt: instant(lifecycle.resolvedAt),
    closedAt: instant(lifecycle.closedAt),
    outcome: lifecycle.outcome,
    resolvedAtFirstContact: lifecycle.resolvedAtFirstContact,
    rounds: lifecycle.rounds,
    reopens: lifecycle.reopens,
    firstResponseMinutes: lifecycle.firstResponseMinutes,
    resolutionMinutes: lifecycle.resolutionMinutes,
    pausedMinutes: lifecycle.pausedMinutes,
    firstResponseDeadlineMet: lifecycle.firstResponseDeadlineMet,
    resolutionDeadlineMet: lifecycle.resolutionDeadlineMet,
    departmentsVisited: [...lifecycle.departmentsVisited],
    escalationCount: lifecycle.escalations.length,
    escalations: [...lifecycle.escalations],
    managementInvolved: lifecycle.managementInvolved,
    eventCount: timeline.length,
    streamPositions,
    updatedAt: now,
  };
}
