import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateQaInspections1796000000000 implements MigrationInterface {
  readonly name = 'CreateQaInspections1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE qa_inspections (
        ticket_id text NOT NULL,
        sample_id uuid NOT NULL,
        team text NOT NULL,
        inspector_id text NOT NULL,
        inspected_at timestamptz NOT NULL,
        rubric_version text NOT NULL,
        scores jsonb NOT NULL,
        total double precision NOT NULL,
        pass_mark double precision NOT NULL,
        corrective_action_required boolean NOT NULL,
        missing text[] NOT NULL,
        note text,
        PRIMARY KEY (ticket_id, sample_id)
      )`);
    await queryRunner.query('CREATE INDEX qa_inspections_sample_idx ON qa_inspections (sample_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE qa_inspections');
  }
}

export class CreateQaCorrectiveActions1796000060000 implements MigrationInterface {
  readonly name = 'CreateQaCorrectiveActions1796000060000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE qa_corrective_actions (
        action_id uuid PRIMARY KEY,
        ticket_id text NOT NULL,
        sample_id uuid NOT NULL,
        team text NOT NULL,
        assignees text[] NOT NULL,
        description text NOT NULL,
        due_at timestamptz,
        status text NOT NULL CHECK (status IN ('open', 'completed')),
        required_by text NOT NULL,
        required_at timestamptz NOT NULL,
        completed_by text,
        completed_at timestamptz,
        completion_note text,
        stream_position integer NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX qa_corrective_actions_team_status_idx ON qa_corrective_actions (team, status, required_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE qa_corrective_actions');
  }
}

/**
 * The figures read a period's service records from the timeline by the customers' answers in it
 * (assessment) and by type; without this index each such read scans every entry.
 */
export class IndexTimelineEntriesByTypeAndTime1796000120000 implements MigrationInterface {
  readonly name = 'IndexTimelineEntriesByTypeAndTime1796000120000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX ticket_timeline_entries_type_occurred_idx ON ticket_timeline_entries (type, occurred_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ticket_timeline_entries_type_occurred_idx');
  }
}

export class CreateQaSamples1796000180000 implements MigrationInterface {
  readonly name = 'CreateQaSamples1796000180000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE qa_samples (
        sample_id uuid PRIMARY KEY,
        team text NOT NULL,
        period text NOT NULL,
        seed double precision NOT NULL,
        size integer NOT NULL,
        population_size integer NOT NULL,
        drawn_by text NOT NULL,
        drawn_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX qa_samples_team_period_idx ON qa_samples (team, period, drawn_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE qa_samples');
  }
}

/** QA verifies completed corrective actions (CorrectiveActionVerified); the assignees find theirs by name. */
export class VerifyQaCorrectiveActions1796400120000 implements MigrationInterface {
  readonly name = 'VerifyQaCorrectiveActions1796400120000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE qa_corrective_actions
        ADD COLUMN verified_by text,
        ADD COLUMN verified_at timestamptz,
        ADD COLUMN effective boolean,
        ADD COLUMN verification_note text,
        DROP CONSTRAINT qa_corrective_actions_status_check,
        ADD CONSTRAINT qa_corrective_actions_status_check CHECK (status IN ('open', 'completed', 'verified'))`);
    await queryRunner.query('CREATE INDEX qa_corrective_actions_assignees_idx ON qa_corrective_actions USING gin (assignees)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX qa_corrective_actions_assignees_idx');
    await queryRunner.query(`
      ALTER TABLE qa_corrective_actions
        DROP CONSTRAINT qa_corrective_actions_status_check,
        ADD CONSTRAINT qa_corrective_actions_status_check CHECK (status IN ('open', 'completed')),
        DROP COLUMN verified_by, DROP COLUMN verified_at, DROP COLUMN effective, DROP COLUMN verification_note`);
  }
}

/** QA's lists paged by keyset: samples newest drawn first, corrective actions oldest required first. */
export class PageQaLists1796400240000 implements MigrationInterface {
  readonly name = 'PageQaLists1796400240000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX qa_samples_page_idx ON qa_samples (drawn_at, sample_id)');
    await queryRunner.query('CREATE INDEX qa_corrective_actions_page_idx ON qa_corrective_actions (required_at, action_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX qa_corrective_actions_page_idx');
    await queryRunner.query('DROP INDEX qa_samples_page_idx');
  }
}

export const QUALITY_MIGRATIONS = [
  CreateQaInspections1796000000000,
  CreateQaCorrectiveActions1796000060000,
  IndexTimelineEntriesByTypeAndTime1796000120000,
  VerifyQaCorrectiveActions1796400120000,
  CreateQaSamples1796000180000,
  PageQaLists1796400240000,
];
