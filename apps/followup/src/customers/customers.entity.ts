import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The customer of each ticket, sealed as intake recorded them (see customers.projection.ts):
 * the key id, the sealed string and the upstream's own id. Never the clear details; CS opens
 * them through the vault when it calls, and that read is recorded.
 */
@Entity({ name: 'followup_customers' })
export class FollowupCustomer {
  @PrimaryColumn('uuid', { name: 'ticket_id' })
  ticketId!: string;

  @Column('text', { name: 'key_id' })
  keyId!: string;

  @Column('text')
  sealed!: string;

  @Column('text', { name: 'customer_id', nullable: true })
  customerId!: string | null;

  /** The contact's subject line. */
  @Column('text', { nullable: true })
  subject!: string | null;

  /** Who recorded the contact: the CS agent (or upstream client) whose ticket it is. */
  @Column('text', { name: 'recorded_by', nullable: true })
  recordedBy!: string | null;

  /** Position in `intake-ticket-<id>` of the event the row was built from. */
  @Column('integer', { name: 'stream_position' })
  streamPosition!: number;
}
