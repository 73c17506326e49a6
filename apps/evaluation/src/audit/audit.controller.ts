import { Controller, Get, Inject, Injectable, Param, ParseUUIDPipe, Query, type OnApplicationShutdown } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  auditSourceSpec,
  closeAuditSources,
  handoffLedger,
  openAuditSources,
  readTicketHistory,
  stateAsOf,
  summarise,
  verifyTicket,
  type AuditSource,
  type HistoryEntry,
} from '@handoff/audit';
import { DomainError, parseOrThrow, storableString, type HistoryEntryView, type TicketHistory, type TicketLedger, type TicketVerification } from '@handoff/contracts';
import type { EventStore } from '@handoff/event-store';
import { Allow, CLOCK, CONFIG, CUSTOMER_VAULT, EVENT_STORE, type BaseConfig, type Clock } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';

export const AUDIT_SOURCES = Symbol('AUDIT_SOURCES');

/**
 * The other services' stores, opened on first use: at start-up they may not exist yet (the
 * services start together), and an audit endpoint that is never called needs no connection.
 * Evaluation's own store is the one it already has.
 */
export class AuditSources {
  private opened?: Promise<AuditSource[]>;
  constructor(
    private readonly ownStore: EventStore,
    private readonly pool: { size: number; connectionTimeoutMillis: number },
  ) {}

  get(): Promise<AuditSource[]> {
    this.opened ??= openAuditSources(
      auditSourceSpec().filter((source) => source.service !== 'evaluation'),
      { ...this.pool, applicationName: 'handoff-evaluation-audit' },
    )
      .then((others) => [...others, { service: 'evaluation', store: this.ownStore }])
      .catch((error) => {
        this.opened = undefined;
        throw error;
      });
    return this.opened;
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    const sources = await this.opened.catch(() => []);
    await closeAuditSources(sources.filter((source) => source.service !== 'evaluation'));
  }
}

export const auditSourcesProvider = {
  provide: AUDIT_SOURCES,
  useFactory: (ownStore: EventStore, config: BaseConfig) =>
    new AuditSources(ownStore, { size: config.DATABASE_POOL_AUDIT, connectionTimeoutMillis: config.DATABASE_POOL_TIMEOUT_MS }),
  inject: [EVENT_STORE, CONFIG],
};

@Injectable()
export class AuditSourcesLifecycle implements OnApplicationShutdown {
  constructor(@Inject(AUDIT_SOURCES) private readonly sources: AuditSources) {}
  async onApplicationShutdown(): Promise<void> {
    await this.sources.close();
  }
}

const historyQuerySchema = z.strictObject({
  asOf: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant with an offset' }).optional(),
  access_token: storableString().optional(),
});

const entryView = (entry: HistoryEntry): HistoryEntryView => ({
  service: entry.service,
  streamId: entry.streamId,
  streamPosition: entry.streamPosition,
  eventId: entry.eventId,
  type: entry.type,
  schemaVersion: entry.schemaVersion,
  summary: summarise(entry),
  actorId: entry.metadata.actorId,
  role: entry.metadata.role,
  department: entry.metadata.department ?? null,
  reason: entry.metadata.reason ?? null,
  occurredAt: entry.metadata.occurredAt,
  recordedAt: entry.metadata.recordedAt,
  correlationId: entry.metadata.correlationId,
  causationId: entry.metadata.causationId,
  contentHash: entry.contentHash,
  previousHash: entry.previousHash,
  hash: entry.hash,
});

/**
 * What auditors ask, answered from the services' event stores themselves, not from any read
 * model: the history, who held the ticket, its state at any moment, and whether anyone has
 * changed the record since.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/tickets')
export class AuditController {
  constructor(
    @Inject(AUDIT_SOURCES) private readonly sources: AuditSources,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
  ) {}

  private async history(ticketId: string): Promise<HistoryEntry[]> {
    const history = await readTicketHistory(await this.sources.get(), ticketId);
    if (history.length === 0) throw new DomainError('NOT_FOUND', `no events for ticket ${ticketId}`);
    return history;
  }

  @Get(':ticketId/history')
  @Allow('auditor', 'management', 'qa')
  @ApiOperation({
    summary:
      "Every event of the ticket from every service's event store, in one order that is the same on every call (stream order within a stream; " +
      'streams merged by occurred-at, recorded-at, service, stream id), with who, role, department, when, why, correlation, causation and hashes. ' +
      'With asOf: only what had happened by then, and the state of the ticket at that moment, including the deadlines running then.',
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant' })
  async ticketHistory(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Query() query: unknown): Promise<TicketHistory> {
    const { asOf } = parseOrThrow(historyQuerySchema, query);
    const history = await this.history(ticketId);
    const moment = asOf ? new Date(asOf) : this.clock();
    const upTo = asOf ? history.filter((entry) => Date.parse(entry.metadata.occurredAt) <= moment.getTime()) : history;
    // Auditors, management and QA read the record, not the customer: a detail typed into a reason shows masked.
    return this.vault.openTexts({ ticketId, asOf: asOf ?? null, state: stateAsOf(history, moment), entries: upTo.map(entryView) }, ticketId, false);
  }

  @Get(':ticketId/handoffs')
  @Allow('auditor', 'management', 'qa')
  @ApiOperation({ summary: 'The handoff ledger: each holder (CS, a department, a handler, management) with when it got the ticket, passed it on, and how long it held it; departments it bounced back to.' })
  async handoffs(@Param('ticketId', ParseUUIDPipe) ticketId: string): Promise<TicketLedger> {
    return { ticketId, ...handoffLedger(await this.history(ticketId)) };
  }

  @Get(':ticketId/verify')
  @Allow('auditor', 'management')
  @ApiOperation({
    summary:
      "Recomputes the hash chain of each of the ticket's streams from the stored events, against each store's own head: ok, or the first broken link with its position.",
  })
  async verify(@Param('ticketId', ParseUUIDPipe) ticketId: string): Promise<TicketVerification> {
    const result = await verifyTicket(await this.sources.get(), ticketId);
    if (result.streams.length === 0) throw new DomainError('NOT_FOUND', `no events for ticket ${ticketId}`);
    return { ticketId, ...result };
  }
}
