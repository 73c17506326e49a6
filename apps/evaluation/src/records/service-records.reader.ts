import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { TicketTimelineEntry } from '../timeline/timeline.entities';
import { serviceRecordsFromEntries } from './from-timeline';
import type { ServiceRecord } from './service-record';

/** Tickets per read; keeps each `IN (...)` list and each batch of entries bounded. */
const BATCH = 500;

/**
 * Service records from the timeline read model: the tickets are chosen by the lifecycle table
 * (opened in a window, held by a department) or by the customers' answers in a window, and each
 * record is computed from the ticket's whole timeline by the same pure function a recomputation
 * from the event stores uses. Each read is one snapshot, so the choice and the entries agree.
 */
@Injectable()
export class ServiceRecordsReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Tickets opened in [from, to), optionally only those the department held. */
  openedBetween(window: { from?: string; to?: string; department?: string }): Promise<ServiceRecord[]> {
    return this.snapshot(async (manager) => {
      const select = manager.createQueryBuilder().select('lifecycle.ticket_id', 'ticketId').from('ticket_lifecycles', 'lifecycle').where('lifecycle.opened_at IS NOT NULL');
      if (window.from) select.andWhere('lifecycle.opened_at >= :from', { from: new Date(window.from) });
      if (window.to) select.andWhere('lifecycle.opened_at < :to', { to: new Date(window.to) });
      if (window.department) select.andWhere('lifecycle.departments_visited @> ARRAY[:department]::text[]', { department: window.department });
      const rows: { ticketId: string }[] = await select.getRawMany();
      return recordsOf(manager, rows.map((row) => row.ticketId));
    });
  }

  /** Tickets whose customer answered (satisfied or not) in [from, to). */
  answeredBetween(from: string, to: string): Promise<ServiceRecord[]> {
    return this.snapshot(async (manager) => {
      const rows: { ticket_id: string }[] = await manager.query(
        `SELECT DISTINCT ticket_id FROM ticket_timeline_entries
          WHERE type IN ('CustomerConfirmedSatisfaction', 'CustomerObjected', 'TicketHandedToManagement') AND occurred_at >= $1 AND occurred_at < $2`,
        [new Date(from), new Date(to)],
      );
      return recordsOf(manager, rows.map((row) => row.ticket_id));
    });
  }

  byIds(ticketIds: readonly string[]): Promise<ServiceRecord[]> {
    return this.snapshot((manager) => recordsOf(manager, ticketIds));
  }

  private snapshot<T>(read: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', read);
  }
}

async function recordsOf(manager: EntityManager, ticketIds: readonly string[]): Promise<ServiceRecord[]> {
  const records: ServiceRecord[] = [];
  const entries = manager.getRepository(TicketTimelineEntry);
  for (let start = 0; start < ticketIds.length; start += BATCH) {
    records.push(...serviceRecordsFromEntries(await entries.findBy({ ticketId: In(ticketIds.slice(start, start + BATCH)) })));
  }
  return records;
}
