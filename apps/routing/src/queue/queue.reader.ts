import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { pageOf, PRIORITIES, type Customer, type DeadlineCounting, type Queue, type QueueItem, type SubRequestItem } from '@handoff/contracts';
import { DepartmentQueueRow, TicketSubjectRow } from './queue.entities';
import { SubRequestRow } from '../sub-requests/sub-requests.entity';
import { isOpen, type SubRequestEntry } from '../sub-requests/sub-requests.model';
import { describeQueueOrder, placeOf, type QueueOrderPolicy } from './queue-order';
import { isOverdue, runningDeadlinesOf, type QueueEntry, type QueueStatus } from './queue.model';

export interface QueueFilters {
  readonly status?: readonly QueueStatus[];
  /** true: a running deadline is past due; false: none is. */
  readonly overdue?: boolean;
  readonly handler?: string;
  readonly limit: number;
  /** The sort key of the last ticket of the previous page. */
  readonly after?: QueueCursor;
}

/** A queue page's cursor: rank, urgency instant (null: no clock runs), ticket id. */
export type QueueCursor = readonly [rank: number, urgencyAt: string | null, ticketId: string];

export const QUEUE_ORDER = Symbol('QUEUE_ORDER');
export const DEADLINE_COUNTING = Symbol('DEADLINE_COUNTING');
/** The version and counting of the deadline policy in force now. */
export type DeadlineCountingOf = () => { readonly policyVersion: string; readonly countIn: DeadlineCounting };

/** Incoming transfers are few; past this many the answer says so instead of stopping silently. */
const INCOMING_LIMIT = 200;

/** Reads the department queue; the API shape is made here, never the rows as they are stored. */
@Injectable()
export class QueueReader {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(QUEUE_ORDER) private readonly order: QueueOrderPolicy,
    @Inject(DEADLINE_COUNTING) private readonly counting: DeadlineCountingOf,
  ) {}

  /**
   * One page of a department's queue, most urgent first (see queue-order.ts). Each priority is
   * read from the urgency index starting after the cursor, and the few rows gathered are merged:
   * `next_due_at - head start` keeps each priority's index order, so the merge is exact.
   */
  async queue(department: string, filters: QueueFilters, now: Date): Promise<Queue> {
    const parameters: unknown[] = [department];
    const parameter = (value: unknown) => `$${parameters.push(value)}`;
    const common = [`q.department = $1`];
    if (filters.status) common.push(`q.status = ANY(${parameter(filters.status)}::text[])`);
    if (filters.handler) common.push(`q.handler_id = ${parameter(filters.handler)}`);
    if (filters.overdue !== undefined) {
      common.push(`${filters.overdue ? '' : 'NOT '}EXISTS (SELECT 1 FROM running_deadlines d WHERE d.ticket_id = q.ticket_id AND d.kind <> 'pause_limit' AND d.due_at < ${parameter(now)})`);
    }
    const take = filters.limit + 1;
    const parts: string[] = [];
    for (const priority of PRIORITIES) {
      const { rank, leadMinutes } = placeOf(this.order, priority);
      const where = [...common, `q.priority = ${parameter(priority)}`];
      if (filters.after) {
        const [afterRank, afterAt, afterId] = filters.after;
        if (rank < afterRank) continue;
        if (rank === afterRank) {
          const at = afterAt === null ? `'infinity'::timestamptz` : `${parameter(afterAt)}::timestamptz + make_interval(mins => ${leadMinutes})`;
          where.push(`(q.next_due_at, q.ticket_id COLLATE "C") > (${at}, ${parameter(afterId)})`);
        }
      }
      parts.push(`(SELECT q.ticket_id, ${rank} AS rank, q.next_due_at - make_interval(mins => ${leadMinutes}) AS urgency_at
        FROM department_queue q WHERE ${where.join(' AND ')}
        ORDER BY q.next_due_at, q.ticket_id COLLATE "C" LIMIT ${take})`);
    }
    // Priorities the policy does not know (none today) are placed as normal ones.
    const keys: { ticket_id: string; rank: number; urgency_at: Date | number | null }[] =
      parts.length === 0
        ? []
        : await this.dataSource.query(
            `SELECT ticket_id, rank, CASE WHEN isfinite(urgency_at) THEN urgency_at END AS urgency_at FROM (${parts.join(' UNION ALL ')}) page
             ORDER BY page.rank, page.urgency_at, page.ticket_id COLLATE "C" LIMIT ${take}`,
            parameters,
          );
    const rows = await this.rowsOf(keys.slice(0, filters.limit).map((key) => key.ticket_id));
    const incoming = filters.after
      ? []
      : await this.dataSource.getRepository(DepartmentQueueRow).find({ where: { pendingTransferTo: department }, order: { updatedAt: 'ASC', ticketId: 'ASC' }, take: INCOMING_LIMIT + 1 });
    const subjects = await this.subjectsOf([...rows.values(), ...incoming].map((row) => row.ticketId));
    const view = (row: QueueEntry) => queueItemView(row, subjects.get(row.ticketId), now, this.countingOf(row));
    const page = pageOf(
      keys,
      filters.limit,
      (key) => [key.rank, key.urgency_at === null ? null : new Date(key.urgency_at).toISOString(), key.ticket_id],
      (key) => view(rows.get(key.ticket_id)!),
    );
    return {
      department,
      asOf: now.toISOString(),
      order: { mode: this.order.mode, description: describeQueueOrder(this.order) },
      ...page,
      // Only with the first page: they are answered, not worked through.
      incomingTransfers: incoming.slice(0, INCOMING_LIMIT).map(view),
      moreIncomingTransfers: incoming.length > INCOMING_LIMIT,
      ...(await this.subRequestsAsked(department, filters, now)),
    };
  }

  /** The open sub-requests asked of a department, soonest due first: with the first page, like transfers to answer. */
  private async subRequestsAsked(department: string, filters: QueueFilters, now: Date): Promise<Pick<Queue, 'subRequests' | 'moreSubRequests'>> {
    if (filters.after) return { subRequests: [], moreSubRequests: false };
    const rows = await this.dataSource.getRepository(SubRequestRow).find({
      where: { department, status: In(['awaiting_handler', 'in_progress']), ...(filters.handler ? { handlerId: filters.handler } : {}) },
      order: { resolutionDueAt: 'ASC', ticketId: 'ASC', subRequestId: 'ASC' },
      take: INCOMING_LIMIT + 1,
    });
    const subjects = await this.subjectsOf(rows.map((row) => row.ticketId));
    return {
      subRequests: rows.slice(0, INCOMING_LIMIT).map((row) => subRequestItemView(row, subjects.get(row.ticketId), now)),
      moreSubRequests: rows.length > INCOMING_LIMIT,
    };
  }

  private countingOf(row: QueueEntry): DeadlineCounting | null {
    return this.deadlineCounting({ policyVersion: row.deadlinePolicyVersion, countIn: row.deadlinesCountIn ?? undefined });
  }

  /** Deadlines recorded before the counting was kept borrow it from the policy in force, if it is the same version. */
  deadlineCounting(deadlines: { readonly policyVersion: string; readonly countIn?: DeadlineCounting }): DeadlineCounting | null {
    const inForce = this.counting();
    return deadlines.countIn ?? (deadlines.policyVersion === inForce.policyVersion ? inForce.countIn : null);
  }

  private async rowsOf(ticketIds: readonly string[]): Promise<Map<string, DepartmentQueueRow>> {
    if (ticketIds.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(DepartmentQueueRow).findBy({ ticketId: In([...ticketIds]) });
    return new Map(rows.map((row) => [row.ticketId, row]));
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

export function queueItemView(entry: QueueEntry, subject: string | undefined, now: Date, countIn: DeadlineCounting | null = entry.deadlinesCountIn): QueueItem {
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
      /** `business`: the minutes were counted in business hours; null when not known. */
      countIn,
      businessHours: countIn === 'business',
      running: runningDeadlinesOf(entry).flatMap((deadline) => (deadline.kind === 'pause_limit' ? [] : [deadline.kind])),
    },
    overdue: isOverdue(entry, now),
    paused:
      entry.pausedSince && entry.pauseReason && entry.pauseResumeBy
        ? { since: entry.pausedSince.toISOString(), reason: entry.pauseReason, note: entry.pauseNote, resumeBy: entry.pauseResumeBy.toISOString() }
        : null,
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

export function subRequestItemView(entry: SubRequestEntry, subject: string | undefined, now: Date): SubRequestItem {
  const running = isOpen(entry) ? [entry.resolutionDueAt, ...(entry.responded ? [] : [entry.firstResponseDueAt])] : [];
  return {
    ticketId: entry.ticketId,
    subRequestId: entry.subRequestId,
    department: entry.department,
    leadDepartment: entry.leadDepartment,
    round: entry.round,
    reason: entry.reason,
    status: entry.status,
    handlerId: entry.handlerId,
    subject: subject ?? null,
    firstResponseDueAt: entry.firstResponseDueAt.toISOString(),
    resolutionDueAt: entry.resolutionDueAt.toISOString(),
    responded: entry.responded,
    overdue: running.some((dueAt) => dueAt.getTime() < now.getTime()),
    escalation: { firstResponse: entry.firstResponseEscalation, resolution: entry.resolutionEscalation },
    outcome: entry.outcome,
    openedAt: entry.openedAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  };
}
