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

/**
 * The worklist as one list paged by keyset: `worklist_item` says what arrived for CS (a result to
 * confirm, or late progress), `attention_at` since when it waits (the confirmation request, or
 * the missed deadline; '-infinity' when unknown, so every row has a key). Both are kept by
 * PostgreSQL from the columns the fold writes; the partial index is the list in page order.
 */
export class PageFollowupWorklist1795600000003 implements MigrationInterface {
  readonly name = 'PageFollowupWorklist1795600000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE followup_worklist ADD COLUMN worklist_item text GENERATED ALWAYS AS (
        CASE
          WHEN confirmation_status = 'awaiting_confirmation' THEN 'result'
          WHEN progress_late AND confirmation_status IS DISTINCT FROM 'closed' THEN 'late_progress'
        END) STORED`);
    await queryRunner.query(`
      ALTER TABLE followup_worklist ADD COLUMN attention_at timestamptz NOT NULL GENERATED ALWAYS AS (
        COALESCE(CASE WHEN confirmation_status = 'awaiting_confirmation' THEN requested_at ELSE late_due_at END, '-infinity'::timestamptz)) STORED`);
    await queryRunner.query('CREATE INDEX followup_worklist_items ON followup_worklist (attention_at, ticket_id) WHERE worklist_item IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX followup_worklist_items');
    await queryRunner.query('ALTER TABLE followup_worklist DROP COLUMN attention_at, DROP COLUMN worklist_item');
  }
}

export const FOLLOWUP_MIGRATIONS = [CreateFollowupWorklist1795600000000, PageFollowupWorklist1795600000003];
