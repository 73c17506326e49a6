import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LifecycleEscalation } from '@handoff/contracts';

/**
 * One row per event of a ticket, from any of the three services' topics. The data is the event's
 * without the customer's contact details (see contact-details.ts). Rebuildable from the topics.
 */
@Entity({ name: 'ticket_timeline_entries' })
export class TicketTimelineEntry {
  /** Unique: the consumer's processed-events mark skips a redelivery, and this is the second guard. */
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'ticket_id' })
  ticketId!: string;

  /** The owning service, from the stream prefix (`routing-ticket-...` → `routing`). */
  @Column('text')
  service!: string;

  @Column('text', { name: 'stream_id' })
  streamId!: string;

  @Column('integer', { name: 'stream_position' })
  streamPosition!: number;

  @Column('text')
  type!: string;

  @Column('integer', { name: 'schema_version' })
  schemaVersion!: number;

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

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text', { name: 'correlation_id' })
  correlationId!: string;

  @Column('text', { name: 'causation_id' })
  causationId!: string;

  @Column('jsonb')
  data!: unknown;

  @Column('text')
  summary!: string;
}

/** One row per ticket: its lifecycle figures, recomputed from its timeline after every event. */
@Entity({ name: 'ticket_lifecycles' })
export class TicketLifecycleRecord {
  @PrimaryColumn('text', { name: 'ticket_id' })
  ticketId!: string;

  /** The contact's subject line (cut to 300 characters). */
  @Column('text', { nullable: true })
  subject!: string | null;

  @Column('text', { nullable: true })
  channel!: string | null;

  @Column('text', { nullable: true })
  type!: string | null;

  @Column('boolean')
  complaint!: boolean;

  @Column('timestamptz', { name: 'opened_at', nullable: true })
  openedAt!: Date | null;

  @Column('timestamptz', { name: 'first_response_at', nullable: true })
  firstResponseAt!: Date | null;

  @Column('timestamptz', { name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;

  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt!: Date | null;

  @Column('text', { nullable: true })
  outcome!: string | null;

  @Column('boolean', { name: 'resolved_at_first_contact' })
  resolvedAtFirstContact!: boolean;

  @Column('integer')
  rounds!: number;

  @Column('integer')
  reopens!: number;

  @Column('double precision', { name: 'first_response_minutes', nullable: true })
  firstResponseMinutes!: number | null;

  @Column('double precision', { name: 'resolution_minutes', nullable: true })
  resolutionMinutes!: number | null;

  @Column('double precision', { name: 'paused_minutes', default: 0 })
  pausedMinutes!: number;

  @Column('boolean', { name: 'first_response_deadline_met', nullable: true })
  firstResponseDeadlineMet!: boolean | null;

  @Column('boolean', { name: 'resolution_deadline_met', nullable: true })
  resolutionDeadlineMet!: boolean | null;

  @Column('text', { name: 'departments_visited', array: true })
  departmentsVisited!: string[];

  @Column('integer', { name: 'escalation_count' })
  escalationCount!: number;

  @Column('jsonb')
  escalations!: LifecycleEscalation[];

  @Column('boolean', { name: 'management_involved' })
  managementInvolved!: boolean;

  /** How many timeline entries the figures were computed from. */
  @Column('integer', { name: 'event_count' })
  eventCount!: number;

  /** The position each stream was read to, e.g. `{ "intake-ticket-…": 2, "routing-ticket-…": 13 }`. */
  @Column('jsonb', { name: 'stream_positions' })
  streamPositions!: Record<string, number>;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}

/** How many tickets there are per UTC day opened, department, outcome, complaint and escalation (ticket-list-counts.ts). */
@Entity({ name: 'ticket_list_counts' })
export class TicketListCount {
  /** A department that had the tickets, or '' for all of them. */
  @PrimaryColumn('text')
  department!: string;

  /** The UTC day they were opened on, '-infinity' for tickets not opened yet. */
  @PrimaryColumn('timestamptz')
  day!: Date;

  /** The close outcome, or 'open'. */
  @PrimaryColumn('text')
  outcome!: string;

  @PrimaryColumn('boolean')
  complaint!: boolean;

  @PrimaryColumn('boolean')
  escalated!: boolean;

  @Column('integer')
  tickets!: number;
}

export const TIMELINE_ENTITIES = [TicketTimelineEntry, TicketLifecycleRecord, TicketListCount];
