import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { AwaitingConfirmationItem, CustomerView, LateProgressItem, Worklist } from '@handoff/contracts';
import { CustomersReader } from '../customers/customers.reader';
import { FollowupWorklistEntry } from './worklist.entity';

export interface WorklistFilter {
  readonly department?: string;
  readonly limit: number;
}

/** Reads the CS worklist; the API's shape, never the table's. */
@Injectable()
export class WorklistQuery {
  constructor(
    @InjectRepository(FollowupWorklistEntry) private readonly rows: Repository<FollowupWorklistEntry>,
    private readonly customers: CustomersReader,
  ) {}

  async worklist(filter: WorklistFilter): Promise<Worklist> {
    const awaiting = this.rows
      .createQueryBuilder('w')
      .where("w.confirmationStatus = 'awaiting_confirmation'")
      .orderBy('w.requestedAt', 'ASC')
      .addOrderBy('w.ticketId', 'ASC')
      .limit(filter.limit);
    if (filter.department) awaiting.andWhere('w.department = :department', { department: filter.department });

    const late = this.rows
      .createQueryBuilder('w')
      .where('w.progressLate = true')
      // A ticket follow-up has closed is no longer anyone's to chase.
      .andWhere("w.confirmationStatus IS DISTINCT FROM 'closed'")
      .orderBy('w.lateDueAt', 'ASC', 'NULLS LAST')
      .addOrderBy('w.ticketId', 'ASC')
      .limit(filter.limit);
    if (filter.department) late.andWhere('w.lateDepartment = :department', { department: filter.department });

    const [awaitingRows, lateRows] = await Promise.all([awaiting.getMany(), late.getMany()]);
    const customers = await this.customers.maskedOf([...awaitingRows, ...lateRows].map((row) => row.ticketId));
    const customerOf = (ticketId: string) => customers.get(ticketId) ?? null;
    return {
      awaitingConfirmation: awaitingRows.map((row) => ({
        ticketId: row.ticketId,
        round: row.round ?? 0,
        resolvedBy: row.resolvedBy ?? 'department',
        department: row.department,
        resultSummary: row.resultSummary ?? '',
        requestedAt: (row.requestedAt ?? row.updatedAt).toISOString(),
        contactAttempts: row.contactAttempts,
        customer: customerOf(row.ticketId),
      })),
      lateProgress: lateRows.map((row) => ({
        ticketId: row.ticketId,
        department: row.lateDepartment ?? '',
        round: row.lateRound ?? 0,
        deadline: row.lateDeadline ?? 'resolution',
        dueAt: row.lateDueAt?.toISOString() ?? null,
        escalationLevel: row.escalationLevel,
        lateSince: row.lateSince?.toISOString() ?? null,
        customer: customerOf(row.ticketId),
      })),
    };
  }
}
