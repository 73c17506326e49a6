import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError, type Actor, type Customer, type Role, type CustomerProfile, type SearchPage, type SearchResult } from '@handoff/contracts';
import { CUSTOMER_VAULT, CustomerAccess, type CustomerView } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import { queryTokens } from './tokens';
import { decodeCursor, encodeCursor, type SearchQuery } from './search.query';
import type { Satisfaction, TicketStatus } from './search.entities';

const DEPARTMENT_ROLES: readonly Role[] = ['department_handler', 'department_manager'];
/** Roles that read no contact details (today's rule for lists and timelines): no customer shown, none searched for. */
const NO_CONTACT_ROLES: readonly Role[] = ['qa', 'auditor'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHORT_ID = /^[0-9a-f]{8}$/i;
/** Up to this many matches are fetched by their indexes and sorted; more are found walking newest first. */
const FEW_MATCHES = 500;

interface Row {
  ticket_id: string;
  short_id: string;
  subject: string | null;
  type: string | null;
  channel: string | null;
  priority: string | null;
  held_departments: string[];
  status: TicketStatus;
  opened_at: Date;
  closed_at: Date | null;
  outcome: string | null;
  satisfaction: Satisfaction;
  customer_key_id: string | null;
  customer_sealed: string | null;
  customer_id: string | null;
  customer_erased: boolean;
}

/** Builds one parameterised WHERE clause. */
class Conditions {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  add(clause: string): void {
    this.clauses.push(clause);
  }
  get where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

/**
 * Search over the `search_tickets` model. A query is read every way it can be meant, and a ticket
 * matching any of them is found: its id, its short id, words of its text (tokens.ts), or its
 * customer's phone, e-mail or name (keyed hashes, libs/vault search-terms.ts). Department staff
 * find only the tickets their department held or was asked to take (the timeline's rule); QA and
 * auditors find by id and text only and see no customer. Results are newest opened first.
 */
@Injectable()
export class SearchReader {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
    private readonly access: CustomerAccess,
  ) {}

  async search(query: SearchQuery, actor: Actor): Promise<SearchPage> {
    const conditions = this.scoped(actor);
    if (query.q) {
      const match = await this.matching(query.q, !NO_CONTACT_ROLES.includes(actor.role));
      if (!match) return { items: [], nextCursor: null };
      // Few matches (an id, a customer, a rare word): taken by their indexes first, then sorted. A
      // plain ORDER BY opened_at with the match as a filter would walk the whole table newest first
      // looking for them (PostgreSQL cannot tell how rare a token is). Many matches: walking newest
      // first finds a page of them at once.
      const few: { ticket_id: string }[] = await this.dataSource.query(`SELECT t.ticket_id FROM search_tickets t WHERE ${match.where} LIMIT ${FEW_MATCHES + 1}`, match.params);
      if (few.length === 0) return { items: [], nextCursor: null };
      if (few.length <= FEW_MATCHES) conditions.add(`t.ticket_id = ANY(${conditions.param(few.map((row) => row.ticket_id))}::uuid[])`);
      else conditions.add(match.where.replace(/\$(\d+)/g, (_, n: string) => conditions.param(match.params[Number(n) - 1])));
    }
    if (query.status) conditions.add(`t.status = ${conditions.param(query.status)}`);
    if (query.type) conditions.add(`t.type = ${conditions.param(query.type)}`);
    if (query.channel) conditions.add(`t.channel = ${conditions.param(query.channel)}`);
    if (query.priority) conditions.add(`t.priority = ${conditions.param(query.priority)}`);
    if (query.department) conditions.add(`t.held_departments @> ARRAY[${conditions.param(query.department)}]::text[]`);
    if (query.from) conditions.add(`t.opened_at >= ${conditions.param(query.from)}`);
    if (query.to) conditions.add(`t.opened_at < ${conditions.param(query.to)}`);
    return this.page(conditions, query.limit, query.cursor, actor);
  }

  /** Every ticket of the customer of `ticketId` (the same customer key), open and closed, newest first. */
  async customerProfile(ticketId: string, actor: Actor, limit: number, cursor: string | undefined): Promise<CustomerProfile> {
    const own = this.scopedTo(actor, 't.ticket_id = $1', [ticketId]);
    const [ticket]: Row[] = await this.dataSource.query(`SELECT customer_key_id, customer_sealed, customer_id, customer_erased FROM search_tickets t ${own.where}`, own.params);
    if (!ticket) throw new DomainError('NOT_FOUND', `no ticket ${ticketId} that you may read has reached search yet`);
    const customer = await this.customerOf(ticket, actor);
    if (!ticket.customer_key_id) {
      // An erased customer has no key left to gather tickets by: the profile is this one ticket.
      const only = await this.page(this.scopedTo(actor, `t.ticket_id = $1`, [ticketId]), 1, undefined, actor);
      return { ticketId, customer, ...tally(only.items), items: only.items, nextCursor: null };
    }
    const theirs = () => this.scopedTo(actor, 't.customer_key_id = $1', [ticket.customer_key_id]);
    const tickets = await this.page(theirs(), limit, cursor, actor);
    const counted = theirs();
    const all: { status: TicketStatus; satisfaction: Satisfaction; n: number }[] = await this.dataSource.query(
      `SELECT status, satisfaction, count(*)::int AS n FROM search_tickets t ${counted.where} GROUP BY status, satisfaction`,
      counted.params,
    );
    return { ticketId, customer, summary: summaryOf(all), items: tickets.items, nextCursor: tickets.nextCursor };
  }

  /** While CS records a contact: the open tickets of the customer whose phone or e-mail is being typed. */
  async openTicketsOf(contact: { phone?: string; email?: string }, actor: Actor): Promise<SearchPage> {
    const alternatives = [contact.phone, contact.email].filter((value): value is string => Boolean(value)).flatMap((value) => this.vault.queryTerms(value));
    const keys = await this.customerKeyIds(alternatives);
    if (keys.length === 0) return { items: [], nextCursor: null };
    const conditions = this.scoped(actor);
    conditions.add(`t.customer_key_id = ANY(${conditions.param(keys)}::text[])`);
    conditions.add(`t.status = 'open'`);
    return this.page(conditions, 20, undefined, actor);
  }

  private scoped(actor: Actor): Conditions {
    const conditions = new Conditions();
    conditions.add('t.opened_at IS NOT NULL');
    if (DEPARTMENT_ROLES.includes(actor.role)) {
      if (!actor.department) throw new DomainError('FORBIDDEN', 'department staff search the tickets of their own department');
      conditions.add(`t.concerned_departments @> ARRAY[${conditions.param(actor.department)}]::text[]`);
    }
    return conditions;
  }

  private scopedTo(actor: Actor, clause: string, params: readonly unknown[]): Conditions {
    const conditions = new Conditions();
    for (const value of params) conditions.param(value);
    conditions.add(clause);
    const scoped = this.scoped(actor);
    // Renumber the scope's parameters after the clause's own.
    for (const scopeClause of scoped.clauses) conditions.add(scopeClause.replace(/\$(\d+)/g, (_, n: string) => conditions.param(scoped.params[Number(n) - 1])));
    return conditions;
  }

  /** Every way the query can be meant, as one clause with its own parameters; null when it can mean nothing. */
  private async matching(q: string, byCustomer: boolean): Promise<{ where: string; params: unknown[] } | null> {
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const ways: string[] = [];
    if (UUID.test(q)) ways.push(`t.ticket_id = ${param(q.toLowerCase())}`);
    if (SHORT_ID.test(q)) ways.push(`t.short_id = ${param(q.toLowerCase())}`);
    const tokens = queryTokens(q);
    if (tokens.length > 0) ways.push(`t.tokens @> ${param(tokens)}::text[]`);
    if (byCustomer) {
      // Looked up first: a list of key ids lets every way be an index scan (one bitmap OR).
      const keys = await this.customerKeyIds(this.vault.queryTerms(q));
      if (keys.length > 0) ways.push(`t.customer_key_id = ANY(${param(keys)}::text[])`);
    }
    return ways.length === 0 ? null : { where: `(${ways.join(' OR ')})`, params };
  }

  /**
   * The keys of the customers a phone, e-mail or name may be (search's keyed hashes). Also what a
   * data-subject export finds a customer by, so both find the same people.
   */
  async customerKeysMatching(value: string): Promise<string[]> {
    return this.customerKeyIds(this.vault.queryTerms(value));
  }

  /** The customer key ids holding every term of at least one alternative. */
  private async customerKeyIds(alternatives: readonly (readonly string[])[]): Promise<string[]> {
    const usable = alternatives.filter((terms) => terms.length > 0);
    if (usable.length === 0) return [];
    const params: unknown[] = [];
    const sql = usable
      .map((terms) => {
        params.push(terms);
        return `SELECT key_id FROM search_customer_terms WHERE term = ANY($${params.length}::text[]) GROUP BY key_id HAVING count(*) = ${terms.length}`;
      })
      .join(' UNION ');
    const rows: { key_id: string }[] = await this.dataSource.query(sql, params);
    return rows.map((row) => row.key_id);
  }

  private async page(conditions: Conditions, limit: number, cursorText: string | undefined, actor: Actor): Promise<SearchPage> {
    if (cursorText) {
      const cursor = decodeCursor(cursorText);
      conditions.add(`(t.opened_at, t.ticket_id) < (${conditions.param(cursor.openedAt)}::timestamptz, ${conditions.param(cursor.ticketId)}::uuid)`);
    }
    const rows: Row[] = await this.dataSource.query(
      `SELECT t.ticket_id, t.short_id, t.subject, t.type, t.channel, t.priority, t.held_departments, t.status, t.opened_at, t.closed_at,
              t.outcome, t.satisfaction, t.customer_key_id, t.customer_sealed, t.customer_id, t.customer_erased
         FROM search_tickets t ${conditions.where}
        ORDER BY t.opened_at DESC, t.ticket_id DESC
        LIMIT ${conditions.param(limit + 1)}`,
      conditions.params,
    );
    const shown = rows.slice(0, limit);
    const customers = await this.customersOf(shown, actor);
    // A detail typed into a subject shows masked in results, as the customer does.
    const items = await Promise.all(shown.map((row, index) => this.vault.openTexts(resultOf(row, customers[index]), row.ticket_id, false)));
    const last = shown[shown.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ openedAt: last.opened_at.toISOString(), ticketId: last.ticket_id }) : null };
  }

  /** The customers of a page, masked with one key read for the whole page. */
  private async customersOf(rows: readonly Row[], actor: Actor): Promise<(CustomerView | null)[]> {
    if (NO_CONTACT_ROLES.includes(actor.role)) return rows.map(() => null);
    const sealed = rows.flatMap((row) => (isSealed(row) ? [customerOfRow(row)] : []));
    const opened = await this.access.maskedMany(sealed);
    let next = 0;
    return rows.map((row): CustomerView => (isSealed(row) ? opened[next++] : { status: 'erased' }));
  }

  private async customerOf(
    row: Pick<Row, 'customer_key_id' | 'customer_sealed' | 'customer_id' | 'customer_erased'>,
    actor: Actor,
  ): Promise<CustomerView | null> {
    if (NO_CONTACT_ROLES.includes(actor.role)) return null;
    if (!isSealed(row)) return { status: 'erased' };
    return this.access.masked(customerOfRow(row));
  }
}

type CustomerColumns = Pick<Row, 'customer_key_id' | 'customer_sealed' | 'customer_id' | 'customer_erased'>;

const isSealed = (row: CustomerColumns): boolean => !row.customer_erased && Boolean(row.customer_key_id) && Boolean(row.customer_sealed);

const customerOfRow = (row: CustomerColumns): Customer => ({
  keyId: row.customer_key_id!,
  sealed: row.customer_sealed!,
  ...(row.customer_id ? { customerId: row.customer_id } : {}),
});

function resultOf(row: Row, customer: CustomerView | null): SearchResult {
  return {
    ticketId: row.ticket_id,
    shortId: row.short_id,
    subject: row.subject,
    type: row.type,
    channel: row.channel,
    priority: row.priority,
    departments: row.held_departments,
    status: row.status,
    openedAt: row.opened_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    outcome: row.outcome,
    satisfaction: row.satisfaction,
    customer,
  };
}

function summaryOf(groups: readonly { status: TicketStatus; satisfaction: Satisfaction; n: number }[]) {
  const count = (predicate: (group: { status: TicketStatus; satisfaction: Satisfaction }) => boolean) =>
    groups.filter(predicate).reduce((sum, group) => sum + group.n, 0);
  return {
    tickets: count(() => true),
    open: count((group) => group.status === 'open'),
    closed: count((group) => group.status === 'closed'),
    satisfied: count((group) => group.satisfaction === 'satisfied'),
    objected: count((group) => group.satisfaction === 'objected'),
    unconfirmed: count((group) => group.satisfaction === 'unconfirmed'),
  };
}

function tally(items: readonly SearchResult[]) {
  return {
    summary: summaryOf(items.map((item) => ({ status: item.status, satisfaction: item.satisfaction, n: 1 }))),
  };
}
