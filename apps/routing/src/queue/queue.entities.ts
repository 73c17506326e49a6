import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeadlineCounting, PauseReason } from '@handoff/contracts';
import type { EscalationStage } from '../tickets/tickets.decider';
import type { QueueEntry, QueueStatus, RunningDeadline, TicketSubject, TimerKind } from './queue.model';

/** One row per ticket routing has: the department queue (see queue.model.ts). */
@Entity({ name: 'department_queue' })
export class DepartmentQueueRow implements QueueEntry {
  @PrimaryColumn({ name: 'ticket_id', type: 'text' }) ticketId!: string;
  @Column({ type: 'text' }) department!: string;
  @Column({ type: 'text' }) status!: QueueStatus;
  @Column({ name: 'handler_id', type: 'text', nullable: true }) handlerId!: string | null;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'text' }) category!: string;
  @Column({ type: 'text' }) priority!: string;
  @Column({ type: 'text' }) channel!: string;
  @Column({ type: 'text', nullable: true }) platform!: string | null;
  @Column({ type: 'boolean' }) complaint!: boolean;
  @Column({ type: 'integer' }) round!: number;
  @Column({ name: 'deadlines_from', type: 'timestamptz' }) deadlinesFrom!: Date;
  @Column({ name: 'first_response_due_at', type: 'timestamptz' }) firstResponseDueAt!: Date;
  @Column({ name: 'resolution_due_at', type: 'timestamptz' }) resolutionDueAt!: Date;
  @Column({ name: 'deadline_policy_version', type: 'text' }) deadlinePolicyVersion!: string;
  @Column({ name: 'deadlines_count_in', type: 'text', nullable: true }) deadlinesCountIn!: DeadlineCounting | null;
  @Column({ name: 'responded_this_round', type: 'boolean' }) respondedThisRound!: boolean;
  @Column({ name: 'first_response_escalation', type: 'text' }) firstResponseEscalation!: EscalationStage;
  @Column({ name: 'resolution_escalation', type: 'text' }) resolutionEscalation!: EscalationStage;
  @Column({ name: 'first_response_warned_for', type: 'timestamptz', nullable: true }) firstResponseWarnedFor!: Date | null;
  @Column({ name: 'resolution_warned_for', type: 'timestamptz', nullable: true }) resolutionWarnedFor!: Date | null;
  @Column({ name: 'management_involved', type: 'boolean' }) managementInvolved!: boolean;
  @Column({ name: 'pending_transfer_to', type: 'text', nullable: true }) pendingTransferTo!: string | null;
  @Column({ name: 'pending_transfer_reason', type: 'text', nullable: true }) pendingTransferReason!: string | null;
  @Column({ name: 'paused_since', type: 'timestamptz', nullable: true }) pausedSince!: Date | null;
  @Column({ name: 'pause_reason', type: 'text', nullable: true }) pauseReason!: PauseReason | null;
  @Column({ name: 'pause_note', type: 'text', nullable: true }) pauseNote!: string | null;
  @Column({ name: 'pause_resume_by', type: 'timestamptz', nullable: true }) pauseResumeBy!: Date | null;
  @Column({ name: 'closed_outcome', type: 'text', nullable: true }) closedOutcome!: string | null;
  @Column({ name: 'routed_at', type: 'timestamptz' }) routedAt!: Date;
  @Column({ name: 'assigned_at', type: 'timestamptz', nullable: true }) assignedAt!: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'stream_position', type: 'integer' }) streamPosition!: number;
}

/** The clocks still running, one row per ticket and deadline: what the sweeper reads, so timers survive restarts. */
@Entity({ name: 'running_deadlines' })
export class RunningDeadlineRow implements RunningDeadline {
  @PrimaryColumn({ name: 'ticket_id', type: 'text' }) ticketId!: string;
  @PrimaryColumn({ type: 'text' }) kind!: TimerKind;
  @Column({ type: 'text' }) department!: string;
  @Column({ type: 'integer' }) round!: number;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt!: Date;
  @Column({ type: 'text' }) escalation!: EscalationStage;
  @Column({ type: 'boolean' }) warned!: boolean;
}

/** When each handler was last given a ticket in a department: what a round robin rotates on. */
@Entity({ name: 'handler_assignments' })
export class HandlerAssignmentRow {
  @PrimaryColumn({ type: 'text' }) department!: string;
  @PrimaryColumn({ name: 'handler_id', type: 'text' }) handlerId!: string;
  @Column({ name: 'last_assigned_at', type: 'timestamptz' }) lastAssignedAt!: Date;
}

/**
 * How many tickets each handler has in progress in a department, kept by the queue projection as
 * its rows move (CountedRows): what automatic assignment weighs at every decision, read per
 * handler instead of counted over the department's tickets. At zero once the last one has moved on.
 */
@Entity({ name: 'department_handler_loads' })
export class HandlerLoadRow {
  @PrimaryColumn({ type: 'text' }) department!: string;
  @PrimaryColumn({ name: 'handler_id', type: 'text' }) handlerId!: string;
  @Column({ name: 'in_progress', type: 'integer' }) inProgress!: number;
}

/** The subject and the sealed customer of each ticket handed over (see queue.model.ts). The customer columns are null for rows projected before they existed. */
@Entity({ name: 'queue_ticket_subjects' })
export class TicketSubjectRow implements TicketSubject {
  @PrimaryColumn({ name: 'ticket_id', type: 'text' }) ticketId!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ name: 'customer_key_id', type: 'text', nullable: true }) customerKeyId!: string | null;
  @Column({ name: 'customer_sealed', type: 'text', nullable: true }) customerSealed!: string | null;
  @Column({ name: 'customer_id', type: 'text', nullable: true }) customerId!: string | null;
  @Column({ name: 'stream_position', type: 'integer' }) streamPosition!: number;
}

export const QUEUE_ENTITIES = [DepartmentQueueRow, RunningDeadlineRow, HandlerAssignmentRow, HandlerLoadRow, TicketSubjectRow];
