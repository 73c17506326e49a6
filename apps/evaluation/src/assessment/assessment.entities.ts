import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SubmittedEvaluation } from './assessment.model';

/** The latest self- and supervisor evaluation of each person and period. Rebuildable from `evaluation.events`. */
@Entity({ name: 'assessment_evaluations' })
export class AssessmentEvaluation implements SubmittedEvaluation {
  @PrimaryColumn('text', { name: 'person_id' })
  personId!: string;

  @PrimaryColumn('text')
  period!: string;

  /** `self` or `supervisor`. */
  @PrimaryColumn('text')
  part!: 'self' | 'supervisor';

  @Column('text')
  team!: string;

  @Column('double precision')
  score!: number;

  @Column('text', { nullable: true })
  comment!: string | null;

  @Column('text', { name: 'submitted_by' })
  submittedBy!: string;

  @Column('timestamptz', { name: 'submitted_at' })
  submittedAt!: Date;

  @Column('integer', { name: 'stream_position' })
  streamPosition!: number;
}

export const ASSESSMENT_ENTITIES = [AssessmentEvaluation];
