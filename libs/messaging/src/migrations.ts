import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per event a consumer has applied. The primary key is the idempotency guard: the
 * row is inserted in the same transaction as the read-model change, so a redelivered event
 * finds it and changes nothing.
 */
export class CreateProcessedEvents1795424400000 implements MigrationInterface {
  readonly name = 'CreateProcessedEvents1795424400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE processed_events (
        consumer_name text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_name, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE processed_events');
  }
}

/** How far each relay has published its store; written only after Kafka acknowledged. */
export class CreateRelayCheckpoints1795424460000 implements MigrationInterface {
  readonly name = 'CreateRelayCheckpoints1795424460000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE relay_checkpoints (
        relay_name text PRIMARY KEY,
        checkpoint text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE relay_checkpoints');
  }
}

/** The pruner finds old marks by age; without it, each round would read the whole table. */
export class IndexProcessedEventsByAge1797900000000 implements MigrationInterface {
  readonly name = 'IndexProcessedEventsByAge1797900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX processed_events_processed_at_idx ON processed_events (processed_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX processed_events_processed_at_idx');
  }
}

/** List these in every app's DataSource `migrations` (with `migrationsRun: true`). */
export const MESSAGING_MIGRATIONS = [CreateProcessedEvents1795424400000, CreateRelayCheckpoints1795424460000, IndexProcessedEventsByAge1797900000000];
