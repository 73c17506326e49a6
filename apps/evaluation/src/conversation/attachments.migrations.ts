import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAttachments1797500000000 implements MigrationInterface {
  readonly name = 'CreateAttachments1797500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE attachment_contents (
        ticket_id uuid NOT NULL,
        content_hash text NOT NULL,
        key_id text NOT NULL,
        sealed bytea NOT NULL,
        content_type text NOT NULL,
        size integer NOT NULL,
        stored_at timestamptz NOT NULL,
        PRIMARY KEY (ticket_id, content_hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE ticket_attachments (
        event_id uuid PRIMARY KEY,
        ticket_id text NOT NULL,
        stream_id text NOT NULL,
        stream_position integer NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor_id text NOT NULL,
        role text NOT NULL,
        department text,
        content_hash text NOT NULL,
        key_id text NOT NULL,
        file_name text NOT NULL,
        content_type text NOT NULL,
        size integer NOT NULL,
        entry_id uuid,
        CONSTRAINT ticket_attachments_stream_position_key UNIQUE (stream_id, stream_position)
      )`);
    await queryRunner.query('CREATE INDEX ticket_attachments_ticket_idx ON ticket_attachments (ticket_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ticket_attachments');
    await queryRunner.query('DROP TABLE attachment_contents');
  }
}

export const ATTACHMENT_MIGRATIONS = [CreateAttachments1797500000000];
