import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTicketWatchEvents1797600000000 implements MigrationInterface {
  readonly name = 'CreateTicketWatchEvents1797600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ticket_watch_events (
        event_id uuid PRIMARY KEY,
        ticket_id text NOT NULL,
        watcher_id text NOT NULL,
        watching boolean NOT NULL,
        stream_position integer NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    // A watcher's latest row before a notification's instant, looked up for every notification read.
    await queryRunner.query('CREATE INDEX ticket_watch_events_watcher_idx ON ticket_watch_events (ticket_id, watcher_id, occurred_at DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ticket_watch_events');
  }
}

export const WATCHER_MIGRATIONS = [CreateTicketWatchEvents1797600000000];
