import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateKpiTicketFacts1797700000000 implements MigrationInterface {
  readonly name = 'CreateKpiTicketFacts1797700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE kpi_ticket_facts (
        ticket_id text PRIMARY KEY,
        opened_at timestamptz NOT NULL,
        channel text,
        type text,
        complaint boolean NOT NULL,
        outcome text,
        resolved_at_first_contact boolean NOT NULL,
        with_result boolean NOT NULL,
        reopened boolean NOT NULL,
        first_response_minutes double precision,
        accepted_resolution_minutes double precision,
        first_response_deadline_met boolean,
        resolution_deadline_met boolean,
        departments text[] NOT NULL,
        agents text[] NOT NULL,
        policy_versions text[] NOT NULL,
        rounds jsonb NOT NULL
      )`);
    // Every report reads one window of opening times; a department manager's, one department's tickets in it.
    await queryRunner.query('CREATE INDEX kpi_ticket_facts_opened_idx ON kpi_ticket_facts (opened_at)');
    await queryRunner.query('CREATE INDEX kpi_ticket_facts_departments_idx ON kpi_ticket_facts USING gin (departments)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE kpi_ticket_facts');
  }
}

/**
 * The facts of the tickets already on the timeline, computed in the migration would need the
 * application's fold: they are filled by a rebuild of `evaluation.timeline` (`npm run audit -- rebuild`).
 */
export const KPI_MIGRATIONS = [CreateKpiTicketFacts1797700000000];
