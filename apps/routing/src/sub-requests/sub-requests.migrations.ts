import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The sub-requests each department is asked: rebuildable from routing's events at any time. */
export class CreateDepartmentSubRequests1795700000000 implements MigrationInterface {
  readonly name = 'CreateDepartmentSubRequests1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE department_sub_requests (
        ticket_id text NOT NULL,
        sub_request_id text NOT NULL,
        department text NOT NULL,
        lead_department text NOT NULL,
        round integer NOT NULL,
        reason text NOT NULL,
        status text NOT NULL,
        handler_id text,
        first_response_due_at timestamptz NOT NULL,
        resolution_due_at timestamptz NOT NULL,
        responded boolean NOT NULL,
        outcome text,
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        stream_position integer NOT NULL,
        PRIMARY KEY (ticket_id, sub_request_id)
      )`);
    // What a department owes, soonest due first: the queue reads only the open ones.
    await queryRunner.query(
      "CREATE INDEX department_sub_requests_open ON department_sub_requests (department, resolution_due_at) WHERE status IN ('awaiting_handler', 'in_progress')",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE department_sub_requests');
  }
}

/** Each sub-request's warnings and escalation stages: what the deadline sweep reads, as it reads running_deadlines for the round. */
export class SubRequestDeadlineStages1798000000000 implements MigrationInterface {
  readonly name = 'SubRequestDeadlineStages1798000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE department_sub_requests
        ADD COLUMN first_response_escalation text NOT NULL DEFAULT 'none',
        ADD COLUMN resolution_escalation text NOT NULL DEFAULT 'none',
        ADD COLUMN first_response_warned boolean NOT NULL DEFAULT false,
        ADD COLUMN resolution_warned boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE department_sub_requests
        DROP COLUMN first_response_escalation,
        DROP COLUMN resolution_escalation,
        DROP COLUMN first_response_warned,
        DROP COLUMN resolution_warned`);
  }
}

export const SUB_REQUEST_MIGRATIONS = [CreateDepartmentSubRequests1795700000000, SubRequestDeadlineStages1798000000000];
