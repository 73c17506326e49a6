import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CorrectiveActionView, DrawnSample, InspectionView } from './quality.model';

/**
 * The inspections as QA reads them: one row per record inspected in a sample. Rebuildable from
 * `evaluation.events`; holds ids, scores and the inspector's note, never a customer's details.
 */
@Entity({ name: 'qa_inspections' })
export class QaInspection implements InspectionView {
  @PrimaryColumn('text', { name: 'ticket_id' })
  ticketId!: string;

  @PrimaryColumn('uuid', { name: 'sample_id' })
  sampleId!: string;

  @Column('text')
  team!: string;

  @Column('text', { name: 'inspector_id' })
  inspectorId!: string;

  @Column('timestamptz', { name: 'inspected_at' })
  inspectedAt!: Date;

  @Column('text', { name: 'rubric_version' })
  rubricVersion!: string;

  @Column('jsonb')
  scores!: Record<string, number>;

  @Column('double precision')
  total!: number;

  @Column('double precision', { name: 'pass_mark' })
  passMark!: number;

  @Column('boolean', { name: 'corrective_action_required' })
  correctiveActionRequired!: boolean;

  @Column('text', { array: true })
  missing!: string[];

  @Column('text', { nullable: true })
  note!: string | null;
}

/** A corrective action from its requirement until it is completed. */
@Entity({ name: 'qa_corrective_actions' })
export class QaCorrectiveAction implements CorrectiveActionView {
  @PrimaryColumn('uuid', { name: 'action_id' })
  actionId!: string;

  @Column('text', { name: 'ticket_id' })
  ticketId!: string;

  @Column('uuid', { name: 'sample_id' })
  sampleId!: string;

  @Column('text')
  team!: string;

  @Column('text', { array: true })
  assignees!: string[];

  @Column('text')
  description!: string;

  @Column('timestamptz', { name: 'due_at', nullable: true })
  dueAt!: Date | null;

  @Column('text')
  status!: 'open' | 'completed' | 'verified';

  @Column('text', { name: 'required_by' })
  requiredBy!: string;

  @Column('timestamptz', { name: 'required_at' })
  requiredAt!: Date;

  @Column('text', { name: 'completed_by', nullable: true })
  completedBy!: string | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;

  @Column('text', { name: 'completion_note', nullable: true })
  completionNote!: string | null;

  @Column('text', { name: 'verified_by', nullable: true })
  verifiedBy!: string | null;

  @Column('timestamptz', { name: 'verified_at', nullable: true })
  verifiedAt!: Date | null;

  @Column('boolean', { nullable: true })
  effective!: boolean | null;

  @Column('text', { name: 'verification_note', nullable: true })
  verificationNote!: string | null;

  @Column('integer', { name: 'stream_position' })
  streamPosition!: number;
}

/** The samples drawn, to find a team's sample of a period without knowing its id. */
@Entity({ name: 'qa_samples' })
export class QaSample implements DrawnSample {
  @PrimaryColumn('uuid', { name: 'sample_id' })
  sampleId!: string;

  @Column('text')
  team!: string;

  @Column('text')
  period!: string;

  /** Up to 2^32 - 1: fits a double exactly, and comes back from pg as a number (bigint would not). */
  @Column('double precision')
  seed!: number;

  @Column('integer')
  size!: number;

  @Column('integer', { name: 'population_size' })
  populationSize!: number;

  @Column('text', { name: 'drawn_by' })
  drawnBy!: string;

  @Column('timestamptz', { name: 'drawn_at' })
  drawnAt!: Date;
}

export const QUALITY_ENTITIES = [QaInspection, QaCorrectiveAction, QaSample];
