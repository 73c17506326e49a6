import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { newId, privacyStreamId, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, CONFIG, CUSTOMER_VAULT, JsonLogger, type Clock } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import type { EvaluationConfig } from '../config';
import { dataRightsDecider } from './data-rights.decider';
import { customersDue, describePeriod, retentionCutoff, retentionReason, type CustomerTickets, type DueCustomer } from './retention';

export const RETENTION_ACTOR: Actor = { id: 'system:retention', role: 'system' };
/** Advisory lock class for "this customer's retention erasure is under way"; spells "Rtnt". */
const RETENTION_LOCK_CLASS = 0x52746e74;
/** Customers erased per run at most; the rest are due again in the next one. */
const RUN_LIMIT = 500;

export interface RetentionListing {
  readonly asOf: string;
  /** The rule in words, or null when the schedule erases nothing. */
  readonly rule: string | null;
  /** A last ticket closed at or before this instant makes its customer due. */
  readonly cutoff: string | null;
  readonly due: readonly { readonly keyId: string; readonly lastTicketId: string; readonly lastClosedAt: string; readonly tickets: number }[];
}

export interface RetentionRun extends RetentionListing {
  readonly erased: readonly { readonly keyId: string; readonly ticketId: string }[];
  /** Due customers another instance was erasing at that moment, or had erased before search heard of it. */
  readonly skipped: number;
  readonly failed: number;
}

/**
 * Runs the retention schedule: finds the customers due (retention.ts) in search's rows, destroys
 * each one's key in the vault and records `CustomerDataErased` (basis `retention`, actor
 * `system:retention`) on the privacy stream of their last closed ticket. Every instance runs it;
 * a per-customer advisory lock keeps two from erasing one customer at once, and the decider
 * records each erasure once, so a run retried after a crash or repeated by another instance
 * changes nothing twice.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();
  private busy = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
    @Inject(CONFIG) private readonly config: EvaluationConfig,
    private readonly commands: CommandHandler,
    private readonly logger: JsonLogger,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.RETENTION_CHECK_INTERVAL_MINUTES;
    if (minutes === 0 || !this.config.RETENTION_POLICY_FILE.eraseCustomerDetailsAfter) return;
    this.timer = setInterval(() => {
      if (!this.busy) void this.run(this.clock(), { correlationId: `retention-${newId()}` }).catch(() => undefined);
    }, minutes * 60_000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight.catch(() => undefined);
  }

  /** What a run at `asOf` would erase: management's dry run. */
  async listing(asOf: Date): Promise<RetentionListing> {
    const policy = this.config.RETENTION_POLICY_FILE;
    const period = policy.eraseCustomerDetailsAfter;
    const cutoff = retentionCutoff(policy, asOf);
    const due = cutoff ? customersDue(await this.candidates(cutoff), policy, asOf) : [];
    return {
      asOf: asOf.toISOString(),
      rule: period ? `erase a customer's contact details ${describePeriod(period)} after their last ticket closed, when none is open` : null,
      cutoff: cutoff?.toISOString() ?? null,
      due: due.map((customer) => ({ ...customer, lastClosedAt: customer.lastClosedAt.toISOString() })),
    };
  }

  /** One run as of `asOf`; runs of this instance go one at a time. */
  run(asOf: Date, cause: { readonly correlationId: string; readonly requestedBy?: Actor }): Promise<RetentionRun> {
    const run = this.inFlight.catch(() => undefined).then(() => this.runNow(asOf, cause));
    this.inFlight = run;
    return run;
  }

  private async runNow(asOf: Date, cause: { readonly correlationId: string; readonly requestedBy?: Actor }): Promise<RetentionRun> {
    this.busy = true;
    try {
      const listing = await this.listing(asOf);
      const period = this.config.RETENTION_POLICY_FILE.eraseCustomerDetailsAfter;
      const erased: { keyId: string; ticketId: string }[] = [];
      let skipped = 0;
      let failed = 0;
      for (const due of listing.due) {
        try {
          const outcome = await this.erase({ ...due, lastClosedAt: new Date(due.lastClosedAt) }, retentionReason(period!, new Date(due.lastClosedAt)), asOf, cause);
          if (outcome === 'erased') erased.push({ keyId: due.keyId, ticketId: due.lastTicketId });
          else skipped++;
        } catch (error) {
          failed++;
          this.logger.event('error', 'retention erasure failed', { keyId: due.keyId, error: error instanceof Error ? error : String(error) });
        }
      }
      if (erased.length > 0 || failed > 0) this.logger.event('info', 'retention schedule run', { asOf: listing.asOf, due: listing.due.length, erased: erased.length, skipped, failed });
      return { ...listing, erased, skipped, failed };
    } finally {
      this.busy = false;
    }
  }

  /**
   * The key destroyed, then the erasure recorded, under a lock on the customer held for those two
   * steps. A run that stopped between them finds the key gone and records what is missing.
   */
  private async erase(due: DueCustomer, reason: string, asOf: Date, cause: { readonly correlationId: string; readonly requestedBy?: Actor }): Promise<'erased' | 'skipped'> {
    return this.dataSource.transaction(async (manager) => {
      const [lock]: { locked: boolean }[] = await manager.query('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [RETENTION_LOCK_CLASS, due.keyId]);
      if (!lock.locked) return 'skipped';
      const held = await this.vault.holdsKey(due.keyId);
      if (held) await this.vault.erase(due.keyId, RETENTION_ACTOR.id, reason);
      const recorded = await this.commands.handle(
        privacyStreamId('evaluation', due.lastTicketId),
        dataRightsDecider,
        {
          type: 'RecordRetentionErasure',
          data: { keyId: due.keyId, reason },
          metadata: {
            now: asOf,
            actor: RETENTION_ACTOR,
            correlationId: cause.correlationId,
            causationId: newId(),
            reason: cause.requestedBy ? `${reason}; run requested by ${cause.requestedBy.id}` : reason,
          },
        },
        { ticketId: due.lastTicketId },
      );
      return held || recorded.events.length > 0 ? 'erased' : 'skipped';
    });
  }

  /**
   * Customers whose latest closing is at or before the cutoff, with all their tickets; whether any
   * is open is decided by `customersDue`, the one rule, not here.
   */
  private async candidates(cutoff: Date): Promise<CustomerTickets[]> {
    const rows: { key_id: string; tickets: { ticketId: string; closedAt: string | null }[] }[] = await this.dataSource.query(
      `SELECT customer_key_id AS key_id,
              json_agg(json_build_object('ticketId', ticket_id, 'closedAt', closed_at) ORDER BY ticket_id) AS tickets
         FROM search_tickets
        WHERE customer_key_id IS NOT NULL AND NOT customer_erased
        GROUP BY customer_key_id
       HAVING bool_and(closed_at IS NOT NULL) AND max(closed_at) <= $1
        ORDER BY max(closed_at)
        LIMIT $2`,
      [cutoff, RUN_LIMIT],
    );
    return rows.map((row) => ({ keyId: row.key_id, tickets: row.tickets.map((ticket) => ({ ticketId: ticket.ticketId, closedAt: ticket.closedAt === null ? null : new Date(ticket.closedAt) })) }));
  }
}
