import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { pageOf, type CustomerView, type Page, type WorklistArrival, type WorklistItem } from '@handoff/contracts';
import { CustomersReader } from '../customers/customers.reader';
import { FollowupWorklistEntry } from './worklist.entity';

/** A page's cursor: since when the last item waits (null: not known), and its ticket id. */
export type WorklistCursor = readonly [attentionAt: string | null, ticketId: string];

export interface WorklistFilter {
  readonly arrived?: WorklistArrival;
  readonly department?: string;
  /** Only tickets whose contact this person recorded ("mine"). */
  readonly recordedBy?: string;
  readonly limit: number;
  readonly after?: WorklistCursor;
}

interface Row {
  ticket_id: string;
  worklist_item: WorklistArrival;
  attention_at: Date | null;
  subject: string | null;
  recorded_by: string | null;
}

/** Reads the CS worklist a page at a time; the API's shape, never the table's. */
@Injectable()
export class WorklistReader {
  constructor(
    @InjectRepository(FollowupWorklistEntry) private readonly rows: Repository<FollowupWorklistEntry>,
    private readonly customers: CustomersReader,
  ) {}

  /** Longest waiting first, then ticket id: the `followup_worklist_items` index, walked from the cursor. */
  async worklist(filter: WorklistFilter): Promise<Page<WorklistItem>> {
    const parameters: unknown[] = [];
    const parameter = (value: unknown) => `$${parameters.push(value)}`;
    const where = ['w.worklist_item IS NOT NULL'];
    if (filter.arrived) where.push(`w.worklist_item = ${parameter(filter.arrived)}`);
    if (filter.department) {
      const department = parameter(filter.department);
      where.push(`CASE w.worklist_item WHEN 'result' THEN w.department ELSE w.late_department END = ${department}`);
    }
    if (filter.recordedBy) where.push(`c.recorded_by = ${parameter(filter.recordedBy)}`);
    if (filter.after) {
      const [attentionAt, ticketId] = filter.after;
      where.push(`(w.attention_at, w.ticket_id) > (${attentionAt === null ? `'-infinity'::timestamptz` : `${parameter(attentionAt)}::timestamptz`}, ${parameter(ticketId)}::uuid)`);
    }
    const keys: Row[] = await this.rows.query(
      `SELECT w.ticket_id, w.worklist_item, CASE WHEN isfinite(w.attention_at) THEN w.attention_at END AS attention_at, c.subject, c.recorded_by
       FROM followup_worklist w LEFT JOIN followup_customers c ON c.ticket_id = w.ticket_id
       WHERE ${where.join(' AND ')}
       ORDER BY w.attention_at, w.ticket_id LIMIT ${filter.limit + 1}`,
      parameters,
    );
    const shown = keys.slice(0, filter.limit).map((key) => key.ticket_id);
    const [entries, customers] = await Promise.all([
      shown.length === 0 ? [] : this.rows.createQueryBuilder('w').where('w.ticketId IN (:...ids)', { ids: shown }).getMany(),
      this.customers.maskedOf(shown),
    ]);
    const entryOf = new Map(entries.map((entry) => [entry.ticketId, entry]));
    return pageOf(
      keys,
      filter.limit,
      (key) => [key.attention_at === null ? null : new Date(key.attention_at).toISOString(), key.ticket_id],
      (key) => itemView(key, entryOf.get(key.ticket_id)!, customers.get(key.ticket_id) ?? null),
    );
  }
}

function itemView(key: Row, row: FollowupWorklistEntry, customer: CustomerView | null): WorklistItem {
  const awaiting = row.confirmationStatus === 'awaiting_confirmation';
  const late = row.progressLate && row.confirmationStatus !== 'closed';
  return {
    ticketId: row.ticketId,
    arrived: key.worklist_item,
    subject: key.subject,
    customer,
    department: key.worklist_item === 'result' ? row.department : row.lateDepartment,
    round: (key.worklist_item === 'result' ? row.round : row.lateRound) ?? 0,
    since: key.attention_at === null ? null : new Date(key.attention_at).toISOString(),
    recordedBy: key.recorded_by,
    result: awaiting
      ? {
          resolvedBy: row.resolvedBy ?? 'department',
          summary: row.resultSummary ?? '',
          requestedAt: (row.requestedAt ?? row.updatedAt).toISOString(),
          contactAttempts: row.contactAttempts,
        }
      : null,
    lateProgress: late
      ? {
          deadline: row.lateDeadline ?? 'resolution',
          dueAt: row.lateDueAt?.toISOString() ?? null,
          escalationLevel: row.escalationLevel,
          lateSince: row.lateSince?.toISOString() ?? null,
        }
      : null,
  };
}
