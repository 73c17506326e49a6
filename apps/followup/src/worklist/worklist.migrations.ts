import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CS worklist: one row per ticket, rebuildable from `followup.events` and `routing.events`.
 * No customer contact details, by design: CS looks them up in intake when it calls.
 */
export class CreateFollowupWorklist1795600000000 implements MigrationInterface {
  readonly name = 'CreateFollowupWorklist1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE followup_worklist (
        ticket_id uuid PRIMARY KEY,
        confirmation_status text
          CHECK (confirmation_status IN ('awaiting_confirmation', 'objected', 'handed_to_management', 'confirmed', 'closed')),
        round integer,
        resolved_by text,
        department text,
        result_summary text,
        requested_at timestamptz,
        contact_attempts integer NOT NULL DEFAULT 0,
        close_outcome text,
        progress_late boolean NOT NULL DEFAULT false,
        late_department text,
        late_round integer,
        late_deadline text,
        late_due_at timestamptz,
        escalation_level text,
        late_since timestamptz,
        followup_position integer NOT NULL DEFAULT -1,
        routing_position integer NOT NULL DEFAULT -1,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The two lists the worklist endpoint reads, each a small slice of the table.
    await queryRunner.query(`
      CREATE INDEX followup_worklist_awaiting ON followup_worklist (requested_at, ticket_id)
        WHERE confirmation_status = 'awaiting_confirmation'`);
    await queryRunner.query(`
      CREATE INDEX followup_worklist_late ON followup_worklist (late_due_at, ticket_id)
        WHERE progress_late`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE followup_worklist');
  }
}

export const FOLLOWUP_MIGRATIONS = [CreateFollowupWorklist1795600000000];
