import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Automatic assignments not yet in the department queue (see DepartmentAssigner). Not a read model:
 * the assigner's working memory between the event store and the projection, safe to empty once
 * the projection has caught up.
 */
export class CreateAssignmentReservations1795600000000 implements MigrationInterface {
  readonly name = 'CreateAssignmentReservations1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE assignment_reservations (
        ticket_id text PRIMARY KEY,
        department text NOT NULL,
        handler_id text NOT NULL,
        from_handler_id text,
        reserved_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX assignment_reservations_department ON assignment_reservations (department)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE assignment_reservations');
  }
}

export const AVAILABILITY_MIGRATIONS = [CreateAssignmentReservations1795600000000];
