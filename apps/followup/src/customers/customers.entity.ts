import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TicketCustomer } from './customers.model';

/** The customer of each ticket, sealed (see customers.model.ts); CS opens them through the vault when it calls, and that read is recorded. */
@Entity({ name: 'followup_customers' })
export class FollowupCustomer implements TicketCustomer {
  @PrimaryColumn('uuid', { name: 'ticket_id' })
  ticketId!: string;

  @Column('text', { name: 'key_id' })
  keyId!: string;

  @Column('text')
  sealed!: string;

  @Column('text', { name: 'customer_id', nullable: true })
  customerId!: string | null;

  @Column('text', { nullable: true })
  subject!: string | null;

  @Column('text', { name: 'recorded_by', nullable: true })
  recordedBy!: string | null;

  @Column('integer', { name: 'stream_position' })
  streamPosition!: number;
}
