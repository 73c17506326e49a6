import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePersonNotifications1796400060000 implements MigrationInterface {
  readonly name = 'CreatePersonNotifications1796400060000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE person_notifications (
        notification_id text PRIMARY KEY,
        recipient text NOT NULL,
        kind text NOT NULL,
        ticket_id text NOT NULL,
        event_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_id text NOT NULL,
        excerpt text
      )`);
    // A person's newest first: by recipient, then time; the ticket's CS agent is resolved through the ticket.
    await queryRunner.query('CREATE INDEX person_notifications_recipient_idx ON person_notifications (recipient, occurred_at DESC, notification_id DESC)');
    await queryRunner.query('CREATE TABLE notification_ticket_agents (ticket_id text PRIMARY KEY, agent_id text NOT NULL)');
    await queryRunner.query('CREATE INDEX notification_ticket_agents_agent_idx ON notification_ticket_agents (agent_id)');
    await queryRunner.query('CREATE TABLE notification_marks (person_id text PRIMARY KEY, seen_up_to timestamptz NOT NULL)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE notification_marks');
    await queryRunner.query('DROP TABLE notification_ticket_agents');
    await queryRunner.query('DROP TABLE person_notifications');
  }
}

export const NOTIFICATION_MIGRATIONS = [CreatePersonNotifications1796400060000];
