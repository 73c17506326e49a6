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

/**
 * What the CS worklist shows beside whom to call: the contact's subject, and who recorded the
 * contact (the CS agent whose "mine" it is; an upstream system's client id for posted contacts).
 * Null on rows projected before; a rebuild fills them.
 */
export class AddSubjectAndRecorderToFollowupCustomers1795600000002 implements MigrationInterface {
  readonly name = 'AddSubjectAndRecorderToFollowupCustomers1795600000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE followup_customers ADD COLUMN subject text, ADD COLUMN recorded_by text');
    await queryRunner.query('CREATE INDEX followup_customers_recorded_by ON followup_customers (recorded_by, ticket_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX followup_customers_recorded_by');
    await queryRunner.query('ALTER TABLE followup_customers DROP COLUMN recorded_by, DROP COLUMN subject');
  }
}

export const CUSTOMER_MIGRATIONS = [CreateFollowupCustomers1795600000001, AddSubjectAndRecorderToFollowupCustomers1795600000002];
