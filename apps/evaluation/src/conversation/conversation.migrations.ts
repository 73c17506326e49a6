import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTicketNotes1796400000000 implements MigrationInterface {
  readonly name = 'CreateTicketNotes1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ticket_notes (
        event_id uuid PRIMARY KEY,
        ticket_id text NOT NULL,
        note_id uuid NOT NULL,
        stream_id text NOT NULL,
        stream_position integer NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor_id text NOT NULL,
        role text NOT NULL,
        department text,
        text text NOT NULL,
        mentions jsonb NOT NULL,
        CONSTRAINT ticket_notes_stream_position_key UNIQUE (stream_id, stream_position)
      )`);
    await queryRunner.query('CREATE INDEX ticket_notes_ticket_idx ON ticket_notes (ticket_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ticket_notes');
  }
}

export const CONVERSATION_MIGRATIONS = [CreateTicketNotes1796400000000];
