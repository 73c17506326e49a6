import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The department queue read model: rebuildable from routing's and intake's events at any time. */
export class CreateDepartmentQueue1795500000000 implements MigrationInterface {
  readonly name = 'CreateDepartmentQueue1795500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE department_queue (
        ticket_id text PRIMARY KEY,
        department text NOT NULL,
        status text NOT NULL,
        handler_id text,
        type text NOT NULL,
        category text NOT NULL,
        priority text NOT NULL,
        channel text NOT NULL,
        platform text,
        complaint boolean NOT NULL,
        round integer NOT NULL,
        deadlines_from timestamptz NOT NULL,
        first_response_due_at timestamptz NOT NULL,
        resolution_due_at timestamptz NOT NULL,
        deadline_policy_version text NOT NULL,
        responded_this_round boolean NOT NULL,
        first_response_escalation text NOT NULL,
        resolution_escalation text NOT NULL,
        management_involved boolean NOT NULL,
        pending_transfer_to text,
        pending_transfer_reason text,
        closed_outcome text,
        routed_at timestamptz NOT NULL,
        assigned_at timestamptz,
        updated_at timestamptz NOT NULL,
        stream_position integer NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX department_queue_by_department ON department_queue (department, status)');
    await queryRunner.query('CREATE INDEX department_queue_by_handler ON department_queue (handler_id) WHERE handler_id IS NOT NULL');
    await queryRunner.query(
      'CREATE INDEX department_queue_by_pending_transfer ON department_queue (pending_transfer_to) WHERE pending_transfer_to IS NOT NULL',
    );
    await queryRunner.query(`
      CREATE TABLE running_deadlines (
        ticket_id text NOT NULL,
        kind text NOT NULL,
        department text NOT NULL,
        round integer NOT NULL,
        due_at timestamptz NOT NULL,
        escalation text NOT NULL,
        PRIMARY KEY (ticket_id, kind)
      )`);
    await queryRunner.query('CREATE INDEX running_deadlines_by_due_at ON running_deadlines (due_at)');
    await queryRunner.query(`
      CREATE TABLE handler_assignments (
        department text NOT NULL,
        handler_id text NOT NULL,
        last_assigned_at timestamptz NOT NULL,
        PRIMARY KEY (department, handler_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE queue_ticket_subjects (
        ticket_id text PRIMARY KEY,
        subject text NOT NULL,
        stream_position integer NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE queue_ticket_subjects');
    await queryRunner.query('DROP TABLE handler_assignments');
    await queryRunner.query('DROP TABLE running_deadlines');
    await queryRunner.query('DROP TABLE department_queue');
  }
}

/**
 * The customer as intake handed the ticket over, so the handling department has the full details
 * (DOMAIN.md, step 2). Sealed only: the key id, the sealed string and the upstream's own id;
 * the clear details are opened through the vault, per read, and never stored here.
 */
export class AddSealedCustomerToTicketSubjects1795500000001 implements MigrationInterface {
  readonly name = 'AddSealedCustomerToTicketSubjects1795500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE queue_ticket_subjects
        ADD COLUMN customer_key_id text,
        ADD COLUMN customer_sealed text,
        ADD COLUMN customer_id text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE queue_ticket_subjects
        DROP COLUMN customer_id,
        DROP COLUMN customer_sealed,
        DROP COLUMN customer_key_id`);
  }
}

/**
 * The queue ordered by urgency and paged by keyset. `next_due_at` is the earliest deadline still
 * running, kept by PostgreSQL from the columns the fold writes ('infinity' when no clock runs, so
 * every row has a key). The urgency order is "next_due_at minus the priority's head start", so
 * one index per department and priority, walked from a cursor, serves every page under any policy.
 * `deadlines_count_in` says whether the deadlines count business hours (null: not recorded then).
 */
export class OrderDepartmentQueueByUrgency1795500000002 implements MigrationInterface {
  readonly name = 'OrderDepartmentQueueByUrgency1795500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE department_queue ADD COLUMN deadlines_count_in text');
    await queryRunner.query(`
      ALTER TABLE department_queue ADD COLUMN next_due_at timestamptz NOT NULL GENERATED ALWAYS AS (
        CASE WHEN status IN ('awaiting_handler', 'in_progress')
          THEN CASE WHEN responded_this_round THEN resolution_due_at ELSE LEAST(first_response_due_at, resolution_due_at) END
          ELSE 'infinity'::timestamptz
        END) STORED`);
    await queryRunner.query('CREATE INDEX department_queue_by_urgency ON department_queue (department, priority, next_due_at, ticket_id COLLATE "C")');
    await queryRunner.query('CREATE INDEX department_queue_incoming ON department_queue (pending_transfer_to, updated_at, ticket_id COLLATE "C") WHERE pending_transfer_to IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX department_queue_incoming');
    await queryRunner.query('DROP INDEX department_queue_by_urgency');
    await queryRunner.query('ALTER TABLE department_queue DROP COLUMN next_due_at');
    await queryRunner.query('ALTER TABLE department_queue DROP COLUMN deadlines_count_in');
  }
}

/** Deadline warnings: which due time each deadline was warned of, and whether a running clock's holder was told. */
export class WarnOfDeadlines1795500000003 implements MigrationInterface {
  readonly name = 'WarnOfDeadlines1795500000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE department_queue ADD COLUMN first_response_warned_for timestamptz, ADD COLUMN resolution_warned_for timestamptz');
    await queryRunner.query('ALTER TABLE running_deadlines ADD COLUMN warned boolean NOT NULL DEFAULT false');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE running_deadlines DROP COLUMN warned');
    await queryRunner.query('ALTER TABLE department_queue DROP COLUMN resolution_warned_for, DROP COLUMN first_response_warned_for');
  }
}

/** Paused resolution clocks: since when, why, until when at most (the sweep's `pause_limit` timer in running_deadlines). */
export class PauseResolutionClocks1795500000004 implements MigrationInterface {
  readonly name = 'PauseResolutionClocks1795500000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE department_queue ADD COLUMN paused_since timestamptz, ADD COLUMN pause_reason text, ADD COLUMN pause_note text, ADD COLUMN pause_resume_by timestamptz',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM running_deadlines WHERE kind = \'pause_limit\'');
    await queryRunner.query('ALTER TABLE department_queue DROP COLUMN pause_resume_by, DROP COLUMN pause_note, DROP COLUMN pause_reason, DROP COLUMN paused_since');
  }
}

/**
 * Automatic assignment counts each handler's tickets in progress at every decision: from this
 * index alone (an index-only read), instead of a heap row per ticket in progress.
 */
export class IndexTicketsInProgress1795500000005 implements MigrationInterface {
  readonly name = 'IndexTicketsInProgress1795500000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE INDEX department_queue_in_progress ON department_queue (department, handler_id, ticket_id) WHERE status = 'in_progress' AND handler_id IS NOT NULL",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX department_queue_in_progress');
  }
}

/**
 * Each handler's tickets in progress per department, kept by the queue projection: automatic
 * assignment read them by counting the department's tickets in progress at every decision, a cost
 * that grew with the backlog. Filled from the queue as it stands.
 */
export class CountHandlerLoads1798000500000 implements MigrationInterface {
  readonly name = 'CountHandlerLoads1798000500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE department_handler_loads (department text NOT NULL, handler_id text NOT NULL, in_progress integer NOT NULL, PRIMARY KEY (department, handler_id))',
    );
    await queryRunner.query(
      `INSERT INTO department_handler_loads (department, handler_id, in_progress)
       SELECT department, handler_id, count(*) FROM department_queue WHERE status = 'in_progress' AND handler_id IS NOT NULL GROUP BY department, handler_id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE department_handler_loads');
  }
}

/**
 * The index of tickets in progress (1795500000005) is read by nothing since automatic assignment
 * takes them from department_handler_loads and looks up the tickets whose rows it reads anyway by
 * their keys, while every change to a ticket in progress still wrote to it.
 */
export class DropTicketsInProgressIndex1798000600000 implements MigrationInterface {
  readonly name = 'DropTicketsInProgressIndex1798000600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX IF EXISTS department_queue_in_progress');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await new IndexTicketsInProgress1795500000005().up(queryRunner);
  }
}

export const QUEUE_MIGRATIONS = [
  CreateDepartmentQueue1795500000000,
  AddSealedCustomerToTicketSubjects1795500000001,
  OrderDepartmentQueueByUrgency1795500000002,
  WarnOfDeadlines1795500000003,
  PauseResolutionClocks1795500000004,
  IndexTicketsInProgress1795500000005,
  CountHandlerLoads1798000500000,
  DropTicketsInProgressIndex1798000600000,
];
