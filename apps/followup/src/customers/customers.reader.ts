import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import type { Customer } from '@handoff/contracts';
import { CustomerAccess, type CustomerView } from '@handoff/platform';
import { FollowupCustomer } from './customers.entity';

/** The customers of tickets, still sealed; opening them is CustomerAccess's, per read. */
@Injectable()
export class CustomersReader {
  constructor(
    @InjectRepository(FollowupCustomer) private readonly rows: Repository<FollowupCustomer>,
    private readonly access: CustomerAccess,
  ) {}

  async sealedOf(ticketId: string): Promise<Customer | undefined> {
    const row = await this.rows.findOneBy({ ticketId });
    return row ? customerOf(row) : undefined;
  }

  /** Each ticket's customer masked (null when intake's record has not reached follow-up yet). */
  async maskedOf(ticketIds: readonly string[]): Promise<Map<string, CustomerView | null>> {
    const unique = [...new Set(ticketIds)];
    const rows = unique.length === 0 ? [] : await this.rows.findBy({ ticketId: In(unique) });
    const found = new Map(rows.map((row) => [row.ticketId, row]));
    const known = unique.filter((ticketId) => found.has(ticketId));
    const views = await this.access.maskedMany(known.map((ticketId) => customerOf(found.get(ticketId)!)));
    const masked = new Map<string, CustomerView | null>(known.map((ticketId, index) => [ticketId, views[index]]));
    for (const ticketId of unique) if (!masked.has(ticketId)) masked.set(ticketId, null);
    return masked;
  }
}

const customerOf = (row: FollowupCustomer): Customer => ({
  keyId: row.keyId,
  sealed: row.sealed,
  ...(row.customerId ? { customerId: row.customerId } : {}),
});
