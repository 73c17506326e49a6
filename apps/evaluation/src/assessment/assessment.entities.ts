import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest self- and supervisor evaluation of each person and period. Rebuildable from `evaluation.events`. */
@Entity({ name: 'assessment_evaluations' })
export class AssessmentEvaluation {
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

  /** The assessment stream's position this row was built to: an earlier or repeated event does not overwrite it. */
  @Column('integer', { name: 'stream_position' })
  streamPosition!: number;
}

export const ASSESSMENT_ENTITIES = [AssessmentEvaluation];
