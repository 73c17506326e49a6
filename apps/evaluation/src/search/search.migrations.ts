import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search read model. Text is matched through a GIN index over a `text[]` of tokens (CJK
 * characters and bigrams, lower-cased Latin words: tokens.ts) with `@>`, which needs nothing of
 * the cluster's locale, unlike pg_trgm, whose word boundaries follow the locale's notion of
 * letters. Paging follows (opened_at, ticket_id) downwards.
 */
export class CreateSearchTickets1797400000000 implements MigrationInterface {
  readonly name = 'CreateSearchTickets1797400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE search_tickets (
        ticket_id uuid PRIMARY KEY,
        short_id text NOT NULL,
        subject text,
        type text,
        channel text,
        priority text,
        priority_position integer NOT NULL,
        held_departments text[] NOT NULL,
        concerned_departments text[] NOT NULL,
        status text NOT NULL,
        opened_at timestamptz,
        contact_recorded_at timestamptz,
        closed_at timestamptz,
        outcome text,
        satisfaction text NOT NULL,
        satisfaction_position integer NOT NULL,
        customer_key_id text,
        customer_sealed text,
        customer_id text,
        customer_erased boolean NOT NULL,
        tokens text[] NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX search_tickets_tokens_idx ON search_tickets USING gin (tokens)');
    await queryRunner.query('CREATE INDEX search_tickets_short_id_idx ON search_tickets (short_id)');
    await queryRunner.query('CREATE INDEX search_tickets_customer_idx ON search_tickets (customer_key_id)');
    await queryRunner.query('CREATE INDEX search_tickets_opened_idx ON search_tickets (opened_at DESC, ticket_id DESC)');
    await queryRunner.query('CREATE INDEX search_tickets_departments_idx ON search_tickets USING gin (concerned_departments)');
    await queryRunner.query(`
      CREATE TABLE search_erased_customers (
        key_id text PRIMARY KEY,
        erased_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE search_customer_terms (
        term text NOT NULL,
        key_id text NOT NULL,
        PRIMARY KEY (term, key_id)
      )`);
    await queryRunner.query('CREATE INDEX search_customer_terms_key_idx ON search_customer_terms (key_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE search_customer_terms');
    await queryRunner.query('DROP TABLE search_erased_customers');
    await queryRunner.query('DROP TABLE search_tickets');
  }
}

export const SEARCH_MIGRATIONS = [CreateSearchTickets1797400000000];
