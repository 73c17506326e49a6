import { LIST_COUNTS_FROM_LIFECYCLES } from './ticket-list-counts';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTicketTimelineEntries1795500000000 implements MigrationInterface {
  readonly name = 'CreateTicketTimelineEntries1795500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ticket_timeline_entries (
        event_id uuid PRIMARY KEY,
        ticket_id text NOT NULL,
        service text NOT NULL,
        stream_id text NOT NULL,
        stream_position integer NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor_id text NOT NULL,
        role text NOT NULL,
        department text,
        reason text,
        correlation_id text NOT NULL,
        causation_id text NOT NULL,
        data jsonb NOT NULL,
        summary text NOT NULL,
        -- One event per position of a stream: a different event at a taken position is an error, not a duplicate.
        CONSTRAINT ticket_timeline_entries_stream_position_key UNIQUE (stream_id, stream_position)
      )`);
    await queryRunner.query('CREATE INDEX ticket_timeline_entries_ticket_idx ON ticket_timeline_entries (ticket_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ticket_timeline_entries');
  }
}

export class CreateTicketLifecycles1795500060000 implements MigrationInterface {
  readonly name = 'CreateTicketLifecycles1795500060000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ticket_lifecycles (
        ticket_id text PRIMARY KEY,
        channel text,
        type text,
        complaint boolean NOT NULL,
        opened_at timestamptz,
        first_response_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        outcome text,
        resolved_at_first_contact boolean NOT NULL,
        rounds integer NOT NULL,
        reopens integer NOT NULL,
        first_response_minutes double precision,
        resolution_minutes double precision,
        first_response_deadline_met boolean,
        resolution_deadline_met boolean,
        departments_visited text[] NOT NULL,
        escalation_count integer NOT NULL,
        escalations jsonb NOT NULL,
        management_involved boolean NOT NULL,
        event_count integer NOT NULL,
        stream_positions jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX ticket_lifecycles_opened_idx ON ticket_lifecycles (opened_at DESC, ticket_id)');
    await queryRunner.query('CREATE INDEX ticket_lifecycles_outcome_idx ON ticket_lifecycles (outcome)');
    await queryRunner.query('CREATE INDEX ticket_lifecycles_departments_idx ON ticket_lifecycles USING gin (departments_visited)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ticket_lifecycles');
  }
}

/**
 * The ticket list paged by keyset, newest opened first: the subject to tell tickets apart, and an
 * index in page order (a ticket whose intake events have not arrived yet sorts as opened at
 * '-infinity', last), with partial ones for what management watches: open complaints and open
 * escalated tickets. Rows projected before have no subject until their next event or a rebuild.
 */
export class PageTicketLifecycles1795500070000 implements MigrationInterface {
  readonly name = 'PageTicketLifecycles1795500070000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ticket_lifecycles ADD COLUMN subject text');
    const key = `(COALESCE(opened_at, '-infinity'::timestamptz)), (ticket_id COLLATE "C")`;
    await queryRunner.query(`CREATE INDEX ticket_lifecycles_page_idx ON ticket_lifecycles (${key})`);
    await queryRunner.query(`CREATE INDEX ticket_lifecycles_open_complaints_idx ON ticket_lifecycles (${key}) WHERE outcome IS NULL AND complaint`);
    await queryRunner.query(`CREATE INDEX ticket_lifecycles_open_escalated_idx ON ticket_lifecycles (${key}) WHERE outcome IS NULL AND escalation_count > 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ticket_lifecycles_open_escalated_idx');
    await queryRunner.query('DROP INDEX ticket_lifecycles_open_complaints_idx');
    await queryRunner.query('DROP INDEX ticket_lifecycles_page_idx');
    await queryRunner.query('ALTER TABLE ticket_lifecycles DROP COLUMN subject');
  }
}

/**
 * Minutes the resolution clock stood paused, left out of `resolution_minutes`. Rows projected
 * before have 0 (no pause existed then) and are right as they are.
 */
export class PausedMinutesOfTicketLifecycles1795500080000 implements MigrationInterface {
  readonly name = 'PausedMinutesOfTicketLifecycles1795500080000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ticket_lifecycles ADD COLUMN paused_minutes double precision NOT NULL DEFAULT 0');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ticket_lifecycles DROP COLUMN paused_minutes');
  }
}

/** The ticket list's counts (ticket-list-counts.ts), filled from the lifecycle rows there. */
export class CreateTicketListCounts1798000400000 implements MigrationInterface {
  readonly name = 'CreateTicketListCounts1798000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ticket_list_counts (
        department text NOT NULL,
        day timestamptz NOT NULL,
        outcome text NOT NULL,
        complaint boolean NOT NULL,
        escalated boolean NOT NULL,
        tickets integer NOT NULL,
        -- A count reads one department's (or all departments') days in a window.
        PRIMARY KEY (department, day, outcome, complaint, escalated)
      )`);
    await queryRunner.query(LIST_COUNTS_FROM_LIFECYCLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ticket_list_counts');
  }
}

export const TIMELINE_MIGRATIONS = [
  CreateTicketTimelineEntries1795500000000,
  CreateTicketLifecycles1795500060000,
  PageTicketLifecycles1795500070000,
  PausedMinutesOfTicketLifecycles1795500080000,
  CreateTicketListCounts1798000400000,
];
