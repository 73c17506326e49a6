import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { newId, routingStreamId, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, CONFIG, JsonLogger, type Clock } from '@handoff/platform';
import type { RoutingConfig } from '../config';
import { DEFAULT_WARN_BEFORE_MINUTES } from '../tickets/tickets.decider';
import { TicketsService } from '../tickets/tickets.service';

const SWEEPER: Actor = { id: 'system:routing-deadlines', role: 'system' };
/** Tickets checked per sweep at most; the rest come due again in the next one. */
const SWEEP_LIMIT = 500;

export interface SweepResult {
  readonly asOf: string;
  /** Tickets with a deadline or an escalation point due, the round's or a sub-request's. */
  readonly checked: number;
  /** Those for which the check recorded something, with the event types. */
  readonly changed: readonly { readonly ticketId: string; readonly events: readonly string[] }[];
  readonly failed: number;
}

/**
 * Sends `CheckDeadlines` to every ticket whose next deadline or escalation point has come.
 * Timers live in the `running_deadlines` table of the queue read model, not in memory, so a
 * restart loses none; the decider records each breach and escalation once, so a ticket checked
 * twice (two instances, a sweep before the projection caught up) changes nothing the second time.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();
  private busy = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly commands: CommandHandler,
    private readonly tickets: TicketsService,
    @Inject(CONFIG) private readonly config: RoutingConfig,
    private readonly logger: JsonLogger,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      // A sweep slower than the interval is not stacked up behind itself.
      if (!this.busy) void this.sweep(this.clock(), { correlationId: `deadline-sweep-${newId()}` }).catch(() => undefined);
    }, this.config.DEADLINE_CHECK_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight.catch(() => undefined);
  }

  /** One sweep as of `asOf`; sweeps run one at a time. */
  sweep(asOf: Date, cause: { readonly correlationId: string; readonly requestedBy?: Actor }): Promise<SweepResult> {
    const run = this.inFlight.catch(() => undefined).then(() => this.run(asOf, cause));
    this.inFlight = run;
    return run;
  }

  private async run(asOf: Date, cause: { readonly correlationId: string; readonly requestedBy?: Actor }): Promise<SweepResult> {
    this.busy = true;
    try {
      const due = await this.dueTickets(asOf);
      const changed: { ticketId: string; events: string[] }[] = [];
      let failed = 0;
      for (const ticketId of due) {
        try {
          const result = await this.commands.handle(
            routingStreamId(ticketId),
            this.tickets.decider,
            {
              type: 'CheckDeadlines',
              data: {},
              metadata: {
                now: asOf,
                actor: SWEEPER,
                correlationId: cause.correlationId,
                causationId: newId(),
                ...(cause.requestedBy ? { reason: `deadline check requested by ${cause.requestedBy.id}` } : {}),
              },
            },
            { ticketId },
          );
          if (result.events.length > 0) changed.push({ ticketId, events: result.events.map((event) => event.type) });
        } catch (error) {
          failed++;
          this.logger.event('error', 'deadline check failed', { ticketId, error: error instanceof Error ? error : String(error) });
        }
      }
      if (changed.length > 0 || failed > 0) {
        this.logger.event('info', 'deadlines swept', { asOf: asOf.toISOString(), checked: due.length, changed: changed.length, failed });
      }
      return { asOf: asOf.toISOString(), checked: due.length, changed, failed };
    } finally {
      this.busy = false;
    }
  }

  /**
   * A deadline about to fall due whose holder was not warned yet, a missed deadline not yet
   * escalated, or one with the department's manager past management's grace period: of the
   * round (`running_deadlines`) or of an open sub-request (its row in `department_sub_requests`,
   * the first response only until given).
   */
  private async dueTickets(asOf: Date): Promise<string[]> {
    const policy = this.config.ESCALATION_POLICY_FILE;
    const grace = policy.managementAfterMinutes;
    const warn = policy.warnBeforeMinutes ?? DEFAULT_WARN_BEFORE_MINUTES;
    const rows = (await this.dataSource.query(
      `WITH timers AS (
         SELECT ticket_id, kind, due_at, escalation, warned FROM running_deadlines
         UNION ALL
         SELECT s.ticket_id, timer.kind, timer.due_at, timer.escalation, timer.warned
           FROM department_sub_requests s
           CROSS JOIN LATERAL (VALUES
             ('first_response', s.first_response_due_at, s.first_response_escalation, s.first_response_warned, NOT s.responded),
             ('resolution', s.resolution_due_at, s.resolution_escalation, s.resolution_warned, true)
           ) AS timer(kind, due_at, escalation, warned, running)
           -- Swept only while the ticket's department is at work in the sub-request's round, as the decider does.
           JOIN department_queue q ON q.ticket_id = s.ticket_id AND q.round = s.round AND q.status IN ('awaiting_handler', 'in_progress')
          WHERE s.status IN ('awaiting_handler', 'in_progress') AND timer.running
       )
       SELECT ticket_id FROM timers
        WHERE (escalation = 'none' AND NOT warned
               AND due_at - make_interval(mins => CASE kind WHEN 'first_response' THEN $5::int ELSE $6::int END) <= $1)
           OR (escalation IN ('none', 'breached') AND due_at < $1)
           OR (escalation = 'department_manager'
               AND due_at + make_interval(mins => CASE kind WHEN 'first_response' THEN $2::int ELSE $3::int END) <= $1)
        GROUP BY ticket_id
        ORDER BY min(due_at)
        LIMIT $4`,
      [asOf, grace.first_response, grace.resolution, SWEEP_LIMIT, warn.first_response, warn.resolution],
    )) as { ticket_id: string }[];
    return rows.map((row) => row.ticket_id);
  }
}
