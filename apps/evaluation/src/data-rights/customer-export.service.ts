import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError, newId, privacyStreamId, type Actor, type ConversationEntry } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CONFIG, CUSTOMER_VAULT } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import type { EvaluationConfig } from '../config';
import { AttachmentStore } from '../conversation/attachments.store';
import { TicketAttachment } from '../conversation/attachments.entities';
import { ConversationReader } from '../conversation/conversation.reader';
import { SearchReader } from '../search/search.reader';
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  foundBy,
  inlineBudget,
  type CustomerDataExport,
  type ExportedAttachment,
  type ExportedCustomer,
  type ExportedTicket,
  type ExportRequest,
} from './customer-export';
import { dataRightsDecider } from './data-rights.decider';

/** However many files a customer has, the export stays a file a browser can download and a person can open. */
const INLINE_TOTAL_MAX_BYTES = 50 * 1024 * 1024;

interface TicketRow {
  ticket_id: string;
  subject: string | null;
  type: string | null;
  channel: string | null;
  status: string;
  opened_at: Date | null;
  closed_at: Date | null;
  outcome: string | null;
  satisfaction: string;
  held_departments: string[];
  customer_key_id: string | null;
  customer_sealed: string | null;
  customer_id: string | null;
  customer_erased: boolean;
}

const TICKET_COLUMNS = `t.ticket_id, t.subject, t.type, t.channel, t.status, t.opened_at, t.closed_at, t.outcome, t.satisfaction, t.held_departments,
  t.customer_key_id, t.customer_sealed, t.customer_id, t.customer_erased`;

/**
 * Everything held about one customer, as one JSON file, for a data-subject access request: their
 * contact details in clear, every ticket of theirs with its conversation read as words, the
 * customer's answers, internal notes, and the attached files. Each ticket the export covers records
 * `CustomerDataExported` (who, when, why; never what the file held) before the file is handed out.
 */
@Injectable()
export class CustomerExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
    @Inject(CONFIG) private readonly config: EvaluationConfig,
    private readonly conversations: ConversationReader,
    private readonly search: SearchReader,
    private readonly files: AttachmentStore,
    private readonly commands: CommandHandler,
  ) {}

  async export(request: ExportRequest, actor: Actor, requestId: string, now: Date): Promise<CustomerDataExport> {
    const { keyIds, tickets, erasedWithoutTickets } = await this.find(request);
    if (tickets.length === 0 && erasedWithoutTickets.length === 0) {
      throw new DomainError('NOT_FOUND', `no customer with this ${foundBy(request)} has a ticket that reached evaluation`);
    }
    const customers = [...(await this.customers(keyIds, tickets)), ...erasedWithoutTickets];
    if (erasedWithoutTickets.length === 0 && tickets.some((ticket) => ticket.customer_erased || !ticket.customer_key_id)) {
      // The erased ticket no longer says whose key it was: the customer is named only as erased.
      const customerId = tickets.find((ticket) => ticket.customer_id)?.customer_id;
      customers.push({ keyId: null, status: 'erased', erasedAt: null, ...(customerId ? { customerId } : {}) });
    }
    const fits = inlineBudget(this.config.EXPORT_ATTACHMENT_INLINE_MAX_BYTES, INLINE_TOTAL_MAX_BYTES);
    const exported: ExportedTicket[] = [];
    for (const row of tickets) exported.push(await this.ticket(row, actor, fits));

    const exportId = newId();
    const about = [
      'Attached files larger than the inline limit are listed without their bytes: ask for them by content hash.',
      'Event stores keep every step of each ticket for its audit trail; this file reads them as the conversation does.',
    ];
    if (customers.some((customer) => customer.status === 'erased')) {
      about.unshift("The customer's contact details were erased: their key is destroyed, so the details and attached files can no longer be read by anyone.");
    }
    // On the record before the file leaves: an export that could not be recorded is not handed out.
    for (const row of tickets) {
      const keyId = row.customer_erased ? undefined : (row.customer_key_id ?? undefined);
      await this.commands.handle(
        privacyStreamId('evaluation', row.ticket_id),
        dataRightsDecider,
        {
          type: 'RecordExport',
          data: { exportId, ...(keyId && customers.some((customer) => customer.keyId === keyId && customer.status === 'clear') ? { keyId } : {}), reason: request.reason },
          metadata: { now, actor, correlationId: requestId, causationId: newId(), reason: request.reason },
        },
        { ticketId: row.ticket_id },
      );
    }
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_FORMAT_VERSION,
      exportId,
      exportedAt: now.toISOString(),
      exportedBy: { id: actor.id, role: actor.role },
      reason: request.reason,
      foundBy: foundBy(request),
      customers,
      tickets: exported,
      about,
    };
  }

  /**
   * The customer keys the request names and every ticket of theirs in search. An erased customer's
   * tickets no longer carry their key: they are found only by ticket or by the upstream's customer
   * id, which the timeline keeps; by phone or e-mail only the erasure itself is found.
   */
  private async find(request: ExportRequest): Promise<{ keyIds: string[]; tickets: TicketRow[]; erasedWithoutTickets: ExportedCustomer[] }> {
    let keyIds: string[] = [];
    const ticketIds = new Set<string>();
    if (request.ticketId) {
      const [row]: TicketRow[] = await this.dataSource.query(`SELECT ${TICKET_COLUMNS} FROM search_tickets t WHERE t.ticket_id = $1 AND t.opened_at IS NOT NULL`, [request.ticketId]);
      if (!row) throw new DomainError('NOT_FOUND', `no ticket ${request.ticketId} has reached evaluation yet`);
      ticketIds.add(row.ticket_id);
      if (row.customer_key_id && !row.customer_erased) keyIds = [row.customer_key_id];
    } else if (request.keyId) {
      keyIds = [request.keyId];
    } else if (request.customerId) {
      keyIds = [this.vault.keyIdOf({ name: '', customerId: request.customerId })];
      const known: { ticket_id: string }[] = await this.dataSource.query(
        `SELECT ticket_id FROM search_tickets WHERE customer_id = $1
         UNION SELECT ticket_id::uuid FROM ticket_timeline_entries WHERE type = 'ContactRecorded' AND data -> 'customer' ->> 'customerId' = $1`,
        [request.customerId],
      );
      for (const row of known) ticketIds.add(row.ticket_id);
    } else {
      const value = (request.phone ?? request.email)!;
      const byTerms = await this.search.customerKeysMatching(value);
      // The key a contact without a customer id was sealed under: found even once erased, when no hash is left.
      const own = this.vault.keyIdOf(request.email ? { name: '', email: request.email } : { name: '', phone: request.phone });
      keyIds = [...new Set([...byTerms, own])];
    }
    if (keyIds.length > 0) {
      const rows: { ticket_id: string }[] = await this.dataSource.query('SELECT ticket_id FROM search_tickets WHERE customer_key_id = ANY($1::text[]) AND opened_at IS NOT NULL', [keyIds]);
      for (const row of rows) ticketIds.add(row.ticket_id);
    }
    const tickets: TicketRow[] =
      ticketIds.size === 0
        ? []
        : await this.dataSource.query(`SELECT ${TICKET_COLUMNS} FROM search_tickets t WHERE t.ticket_id = ANY($1::uuid[]) ORDER BY t.opened_at, t.ticket_id`, [[...ticketIds]]);
    const withTickets = new Set(tickets.flatMap((row) => (row.customer_key_id ? [row.customer_key_id] : [])));
    const erased: { key_id: string; erased_at: Date }[] =
      keyIds.length === 0 ? [] : await this.dataSource.query('SELECT key_id, erased_at FROM search_erased_customers WHERE key_id = ANY($1::text[])', [keyIds]);
    const erasedWithoutTickets = erased
      .filter((row) => !withTickets.has(row.key_id))
      .map((row): ExportedCustomer => ({ keyId: row.key_id, status: 'erased', erasedAt: row.erased_at.toISOString(), ...(request.customerId ? { customerId: request.customerId } : {}) }));
    // A key never seen (a phone nobody called from) is not a customer.
    return { keyIds: [...withTickets].filter((keyId) => keyIds.includes(keyId)), tickets, erasedWithoutTickets };
  }

  /** Each key's details in clear, or erased (the key destroyed since search last saw it). */
  private async customers(keyIds: readonly string[], tickets: readonly TicketRow[]): Promise<ExportedCustomer[]> {
    const customers: ExportedCustomer[] = [];
    for (const keyId of keyIds) {
      const row = tickets.find((ticket) => ticket.customer_key_id === keyId && ticket.customer_sealed && !ticket.customer_erased);
      const opened = row ? await this.vault.open({ keyId, sealed: row.customer_sealed!, ...(row.customer_id ? { customerId: row.customer_id } : {}) }, true) : { status: 'erased' as const };
      const customerId = row?.customer_id ? { customerId: row.customer_id } : {};
      if (opened.status === 'erased') customers.push({ keyId, status: 'erased', erasedAt: null, ...customerId });
      else customers.push({ keyId, status: 'clear', ...customerId, ...opened.details });
    }
    return customers;
  }

  private async ticket(row: TicketRow, actor: Actor, fits: (size: number) => boolean): Promise<ExportedTicket> {
    const conversation = await this.conversations.conversation(row.ticket_id, actor, { revealContactDetails: true }).catch((error: unknown) => {
      // Search saw the ticket before the timeline did: the export still lists it.
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    });
    const entries: readonly ConversationEntry[] = conversation?.entries ?? [];
    return {
      ticketId: row.ticket_id,
      subject: await this.vault.openTexts(row.subject, row.ticket_id, true),
      type: row.type,
      channel: row.channel,
      status: row.status,
      openedAt: row.opened_at?.toISOString() ?? null,
      closedAt: row.closed_at?.toISOString() ?? null,
      outcome: row.outcome,
      satisfaction: row.satisfaction,
      departments: row.held_departments,
      answers: entries.filter((entry) => entry.kind === 'customer'),
      notes: entries.filter((entry) => entry.kind === 'note'),
      conversation: entries,
      attachments: await this.attachments(row.ticket_id, fits),
    };
  }

  private async attachments(ticketId: string, fits: (size: number) => boolean): Promise<ExportedAttachment[]> {
    const listed = await this.dataSource.getRepository(TicketAttachment).find({ where: { ticketId }, order: { recordedAt: 'ASC' } });
    const seen = new Set<string>();
    const exported: ExportedAttachment[] = [];
    for (const file of listed) {
      if (seen.has(`${file.contentHash}:${file.entryId}`)) continue;
      seen.add(`${file.contentHash}:${file.entryId}`);
      const base = {
        contentHash: file.contentHash,
        fileName: await this.vault.openFileName(file.keyId, file.fileName, ticketId),
        contentType: file.contentType,
        size: file.size,
        entryId: file.entryId,
        addedAt: file.occurredAt.toISOString(),
        addedBy: file.actorId,
      };
      const stored = await this.files.find(ticketId, file.contentHash);
      const bytes = stored ? await this.vault.openFile(stored.keyId, { sealed: stored.sealed, context: ticketId, contentHash: file.contentHash }) : null;
      if (!bytes) exported.push({ ...base, content: 'erased' });
      else if (!fits(bytes.length)) exported.push({ ...base, content: 'too_large' });
      else exported.push({ ...base, content: 'included', contentBase64: bytes.toString('base64') });
    }
    return exported;
  }
}
