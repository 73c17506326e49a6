import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whom CS calls back: the customer of each ticket, rebuildable from intake's `ContactRecorded`.
 * Sealed columns only; there is no column for a clear name, phone or e-mail.
 */
export class CreateFollowupCustomers1795600000001 implements MigrationInterface {
  readonly name = 'CreateFollowupCustomers1795600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE followup_customers (
        ticket_id uuid PRIMARY KEY,
        key_id text NOT NULL,
        sealed text NOT NULL,
        customer_id text,
        stream_position integer NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE followup_customers');
  }
}

export const CUSTOMER_MIGRATIONS = [CreateFollowupCustomers1795600000001];
