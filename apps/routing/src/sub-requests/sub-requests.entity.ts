import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EscalationStage } from '@handoff/contracts';
import type { SubRequestEntry, SubRequestStatus } from './sub-requests.model';

/** One row per sub-request: what each department is asked of other departments' tickets (see sub-requests.model.ts). */
@Entity({ name: 'department_sub_requests' })
export class SubRequestRow implements SubRequestEntry {
  @PrimaryColumn({ name: 'ticket_id', type: 'text' }) ticketId!: string;
  @PrimaryColumn({ name: 'sub_request_id', type: 'text' }) subRequestId!: string;
  @Column({ type: 'text' }) department!: string;
  @Column({ name: 'lead_department', type: 'text' }) leadDepartment!: string;
  @Column({ type: 'integer' }) round!: number;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: 'text' }) status!: SubRequestStatus;
  @Column({ name: 'handler_id', type: 'text', nullable: true }) handlerId!: string | null;
  @Column({ name: 'first_response_due_at', type: 'timestamptz' }) firstResponseDueAt!: Date;
  @Column({ name: 'resolution_due_at', type: 'timestamptz' }) resolutionDueAt!: Date;
  @Column({ type: 'boolean' }) responded!: boolean;
  @Column({ type: 'text', nullable: true }) outcome!: string | null;
  @Column({ name: 'first_response_escalation', type: 'text' }) firstResponseEscalation!: EscalationStage;
  @Column({ name: 'resolution_escalation', type: 'text' }) resolutionEscalation!: EscalationStage;
  @Column({ name: 'first_response_warned', type: 'boolean' }) firstResponseWarned!: boolean;
  @Column({ name: 'resolution_warned', type: 'boolean' }) resolutionWarned!: boolean;
  @Column({ name: 'opened_at', type: 'timestamptz' }) openedAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'stream_position', type: 'integer' }) streamPosition!: number;
}
