import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks are the service's own working state, not read models: a delivery's attempts happen at
 * the receiver's door, not in any event, so no rebuild could make them again (and a rebuild must
 * never send anything). Subscriptions are an integration's settings; each change is kept with who
 * made it and why in `webhook_subscription_changes`.
 */
export class CreateWebhooks1796500000000 implements MigrationInterface {
  readonly name = 'CreateWebhooks1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY,
        source_system text NOT NULL,
        url text NOT NULL,
        event_types text[] NOT NULL,
        description text,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_until timestamptz,
        secret_rotated_at timestamptz,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        deleted_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX webhook_subscriptions_active_idx ON webhook_subscriptions (source_system) WHERE deleted_at IS NULL');
    await queryRunner.query(`
      CREATE TABLE webhook_subscription_changes (
        id bigserial PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id),
        change text NOT NULL,
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        reason text,
        request_id text NOT NULL,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id),
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        ticket_id text NOT NULL,
        body text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        attempts_in_round integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz,
        redrives integer NOT NULL DEFAULT 0,
        last_redriven_by text
      )`);
    // The sender's question, "what is due?", read from a small partial index.
    await queryRunner.query("CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'");
    // The delivery log, newest first, per subscription and in all.
    await queryRunner.query('CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at DESC, id DESC)');
    await queryRunner.query('CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at DESC, id DESC)');
    await queryRunner.query(`
      CREATE TABLE webhook_delivery_attempts (
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id),
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE webhook_delivery_attempts');
    await queryRunner.query('DROP TABLE webhook_deliveries');
    await queryRunner.query('DROP TABLE webhook_subscription_changes');
    await queryRunner.query('DROP TABLE webhook_subscriptions');
  }
}

export const WEBHOOK_MIGRATIONS = [CreateWebhooks1796500000000];
