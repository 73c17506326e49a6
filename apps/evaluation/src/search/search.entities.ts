import { Column, Entity, PrimaryColumn } from 'typeorm';

import { SATISFACTIONS, SEARCH_TICKET_STATUSES, type Satisfaction, type SearchTicketStatus } from '@handoff/contracts';

export const TICKET_STATUSES = SEARCH_TICKET_STATUSES;
export type TicketStatus = SearchTicketStatus;
export { SATISFACTIONS, type Satisfaction };

/**
 * One row per ticket: what search filters, finds and shows (see search.model.ts). The customer
 * is here only as intake sealed it (key id and ciphertext): results are masked through the
 * vault when they are read, and the keyed hashes a customer is found by are in
 * `search_customer_terms`, apart, because they come from the vault and not from events alone.
 */
@Entity({ name: 'search_tickets' })
export class SearchTicket {
  @PrimaryColumn('uuid', { name: 'ticket_id' })
  ticketId!: string;

  /** The ticket id's first 8 hex characters, as the consoles show it. */
  @Column('text', { name: 'short_id' })
  shortId!: string;

  @Column('text', { nullable: true })
  subject!: string | null;

  @Column('text', { nullable: true })
  type!: string | null;

  @Column('text', { nullable: true })
  channel!: string | null;

  @Column('text', { nullable: true })
  priority!: string | null;

  /** Position in intake's stream of the classification the priority came from. */
  @Column('integer', { name: 'priority_position' })
  priorityPosition!: number;

  /** Departments that held the ticket (routed, passed, reopened to), sorted. */
  @Column('text', { name: 'held_departments', array: true })
  heldDepartments!: string[];

  /** Those, and the departments asked to take it over: who may find it (the timeline's rule). */
  @Column('text', { name: 'concerned_departments', array: true })
  concernedDepartments!: string[];

  @Column('text')
  status!: TicketStatus;

  /** When the customer's contact was made (the contact's occurred-at); null until intake's record arrives. */
  @Column('timestamptz', { name: 'opened_at', nullable: true })
  openedAt!: Date | null;

  /** When intake recorded it: compared with an erasure's recorded-at. */
  @Column('timestamptz', { name: 'contact_recorded_at', nullable: true })
  contactRecordedAt!: Date | null;

  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt!: Date | null;

  @Column('text', { nullable: true })
  outcome!: string | null;

  @Column('text')
  satisfaction!: Satisfaction;

  /** Position in follow-up's stream of the answer `satisfaction` came from. */
  @Column('integer', { name: 'satisfaction_position' })
  satisfactionPosition!: number;

  @Column('text', { name: 'customer_key_id', nullable: true })
  customerKeyId!: string | null;

  @Column('text', { name: 'customer_sealed', nullable: true })
  customerSealed!: string | null;

  @Column('text', { name: 'customer_id', nullable: true })
  customerId!: string | null;

  /** The customer's data was erased: the key id and ciphertext are gone from this row. */
  @Column('boolean', { name: 'customer_erased' })
  customerErased!: boolean;

  /** Words of the subject, description and internal notes (tokens.ts), distinct and sorted. */
  @Column('text', { array: true })
  tokens!: string[];
}

/** Customers erased, and when: a ticket of theirs recorded before then arrives already erased. */
@Entity({ name: 'search_erased_customers' })
export class SearchErasedCustomer {
  @PrimaryColumn('text', { name: 'key_id' })
  keyId!: string;

  @Column('timestamptz', { name: 'erased_at' })
  erasedAt!: Date;
}

/**
 * The keyed hashes (vault's pepper) of a customer's phone, e-mail and name (libs/vault
 * search-terms.ts), by customer key id. Written by the vault-reading indexer
 * (customer-terms.projection.ts), deleted at erasure. No clear value is ever stored here.
 */
@Entity({ name: 'search_customer_terms' })
export class SearchCustomerTerm {
  @PrimaryColumn('text')
  term!: string;

  @PrimaryColumn('text', { name: 'key_id' })
  keyId!: string;
}

export const SEARCH_ENTITIES = [SearchTicket, SearchErasedCustomer, SearchCustomerTerm];
