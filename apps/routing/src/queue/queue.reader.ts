import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import type { Customer, Queue, QueueItem } from '@handoff/contracts';
import { DepartmentQueueRow, TicketSubjectRow } from './queue.entities';
import { isOverdue, runningDeadlinesOf, type QueueEntry, type QueueStatus } from './queue.model';

export interface QueueFilters {
  readonly status?: QueueStatus;
  /** true: a running deadline is past due; false: none is. */
  readonly overdue?: boolean;
  readonly handler?: string;
  readonly limit: number;
}

/** Most urgent first: the earliest deadline still running, then the oldest ticket. */
const NEXT_DUE = `CASE WHEN q.status IN ('awaiting_handler', 'in_progress')
  THEN LEAST(CASE WHEN q.responded_this_round THEN NULL ELSE q.first_response_due_at END, q.resolution_due_at) END`;

/** Reads the department queue; the API shape is made here, never the rows as they are stored. */
@Injectable()
export class QueueReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async queue(department: string, filters: QueueFilters, now: Date): Promise<Queue> {
    const query = this.dataSource
      .getRepository(DepartmentQueueRow)
      .createQueryBuilder('q')
      .where('q.department = :department', { department });
    if (filters.status) query.andWhere('q.status = :status', { status: filters.status });
    if (filters.handler) query.andWhere('q.handler_id = :handler', { handler: filters.handler });
    if (filters.overdue !== undefined) {
      query.andWhere(`${filters.overdue ? '' : 'NOT '}EXISTS (SELECT 1 FROM running_deadlines d WHERE d.ticket_id = q.ticket_id AND d.due_at < :now)`, {
        now,
      });
    }
    const tickets = await query.orderBy(NEXT_DUE, 'ASC', 'NULLS LAST').addOrderBy('q.routed_at', 'ASC').limit(filters.limit).getMany();
    const incoming = await this.dataSource
      .getRepository(DepartmentQueueRow)
      .find({ where: { pendingTransferTo: department }, order: { updatedAt: 'ASC' }, take: filters.limit });
    const subjects = await this.subjectsOf([...tickets, ...incoming].map((row) => row.ticketId));
    const view = (row: QueueEntry) => queueItemView(row, subjects.get(row.ticketId), now);
    return { department, asOf: now.toISOString(), count: tickets.length, tickets: tickets.map(view), incomingTransfers: incoming.map(view) };
  }

  /** What intake handed over for a ticket: its subject and the customer, still sealed; undefined before it is projected. */
  async handOverOf(ticketId: string): Promise<{ subject: string; customer?: Customer } | undefined> {
    const row = await this.dataSource.getRepository(TicketSubjectRow).findOneBy({ ticketId });
    if (!row) return undefined;
    const customer =
      row.customerKeyId && row.customerSealed
        ? { keyId: row.customerKeyId, sealed: row.customerSealed, ...(row.customerId ? { customerId: row.customerId } : {}) }
        : undefined;
    return { subject: row.subject, ...(customer ? { customer } : {}) };
  }

  private async subjectsOf(ticketIds: readonly string[]): Promise<Map<string, string>> {
    if (ticketIds.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(TicketSubjectRow).findBy({ ticketId: In([...new Set(ticketIds)]) });
    return new Map(rows.map((row) => [row.ticketId, row.subject]));
  }
}

export function queueItemView(entry: QueueEntry, subject: string | undefined, now: Date): QueueItem {
  const stages = [entry.firstResponseEscalation, entry.resolutionEscalation];
  return {
    ticketId: entry.ticketId,
    department: entry.department,
    status: entry.status,
    handlerId: entry.handlerId,
    type: entry.type,
    category: entry.category,
    priority: entry.priority,
    channel: entry.channel,
    platform: entry.platform,
    complaint: entry.complaint,
    subject: subject ?? null,
    round: entry.round,
    deadlines: {
      from: entry.deadlinesFrom.toISOString(),
      firstResponseDueAt: entry.firstResponseDueAt.toISOString(),
      resolutionDueAt: entry.resolutionDueAt.toISOString(),
      policyVersion: entry.deadlinePolicyVersion,
      running: runningDeadlinesOf(entry).map((deadline) => deadline.kind),
    },
    overdue: isOverdue(entry, now),
    escalation: {
      firstResponse: entry.firstResponseEscalation,
      resolution: entry.resolutionEscalation,
      breached: stages.some((stage) => stage !== 'none'),
      level: stages.includes('management') ? 'management' : stages.includes('department_manager') ? 'department_manager' : null,
    },
    managementInvolved: entry.managementInvolved,
    pendingTransfer: entry.pendingTransferTo ? { toDepartment: entry.pendingTransferTo, reason: entry.pendingTransferReason } : null,
    closedOutcome: entry.closedOutcome,
    routedAt: entry.routedAt.toISOString(),
    assignedAt: entry.assignedAt?.toISOString() ?? null,
    updatedAt: entry.updatedAt.toISOString(),
    streamPosition: entry.streamPosition,
  };
}
