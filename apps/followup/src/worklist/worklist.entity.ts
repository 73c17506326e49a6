import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CloseOutcome, DeadlineKind, EscalationLevel, Resolution } from '@handoff/contracts';
import type { ConfirmationStatus, WorklistRow } from './worklist.model';

/** The `followup_worklist` read model (see worklist.model.ts); created by CreateFollowupWorklist. */
@Entity({ name: 'followup_worklist' })
export class FollowupWorklistEntry implements WorklistRow {
  @PrimaryColumn('uuid', { name: 'ticket_id' })
  ticketId!: string;

  @Column('text', { name: 'confirmation_status', nullable: true })
  confirmationStatus!: ConfirmationStatus | null;

  @Column('integer', { nullable: true })
  round!: number | null;

  @Column('text', { name: 'resolved_by', nullable: true })
  resolvedBy!: Resolution | null;

  @Column('text', { nullable: true })
  department!: string | null;

  @Column('text', { name: 'result_summary', nullable: true })
  resultSummary!: string | null;

  @Column('timestamptz', { name: 'requested_at', nullable: true })
  requestedAt!: Date | null;

  @Column('integer', { name: 'contact_attempts' })
  contactAttempts!: number;

  @Column('text', { name: 'close_outcome', nullable: true })
  closeOutcome!: CloseOutcome | null;

  @Column('boolean', { name: 'progress_late' })
  progressLate!: boolean;

  @Column('text', { name: 'late_department', nullable: true })
  lateDepartment!: string | null;

  @Column('integer', { name: 'late_round', nullable: true })
  lateRound!: number | null;

  @Column('text', { name: 'late_deadline', nullable: true })
  lateDeadline!: DeadlineKind | null;

  @Column('timestamptz', { name: 'late_due_at', nullable: true })
  lateDueAt!: Date | null;

  @Column('text', { name: 'escalation_level', nullable: true })
  escalationLevel!: EscalationLevel | null;

  @Column('timestamptz', { name: 'late_since', nullable: true })
  lateSince!: Date | null;

  @Column('integer', { name: 'followup_position' })
  followupPosition!: number;

  @Column('integer', { name: 'routing_position' })
  routingPosition!: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
