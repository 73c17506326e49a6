import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAssessmentEvaluations1796000180000 implements MigrationInterface {
  readonly name = 'CreateAssessmentEvaluations1796000180000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE assessment_evaluations (
        person_id text NOT NULL,
        period text NOT NULL,
        part text NOT NULL CHECK (part IN ('self', 'supervisor')),
        team text NOT NULL,
        score double precision NOT NULL,
        comment text,
        submitted_by text NOT NULL,
        submitted_at timestamptz NOT NULL,
        stream_position integer NOT NULL,
        PRIMARY KEY (person_id, period, part)
      )`);
    await queryRunner.query('CREATE INDEX assessment_evaluations_team_period_idx ON assessment_evaluations (team, period)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE assessment_evaluations');
  }
}

export const ASSESSMENT_MIGRATIONS = [CreateAssessmentEvaluations1796000180000];
