import { Inject, Injectable } from '@nestjs/common';
import { assertNever, DomainError, followupStreamId, type Actor, type CommandMetadata, type Decider, type FollowupEvent, type FollowupTicket } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { JsonLogger } from '@handoff/platform';
import type { FollowupCommand, FollowupState } from './confirmations.decider';

/** The confirmations decider with the configured follow-up policy bound. */
export const CONFIRMATIONS_DECIDER = Symbol('CONFIRMATIONS_DECIDER');
export type ConfirmationsDecider = Decider<FollowupCommand, FollowupEvent, FollowupState>;

export interface Executed {
  readonly state: FollowupState;
  /** Types of the events this command recorded (or had recorded, for a repeated request). */
  readonly recorded: readonly string[];
}

/** Turns CS's requests into follow-up commands; the decisions are the decider's. */
@Injectable()
export class ConfirmationsService {
  constructor(
    private readonly commands: CommandHandler,
    @Inject(CONFIRMATIONS_DECIDER) private readonly decider: ConfirmationsDecider,
    private readonly logger: JsonLogger,
  ) {}

  async execute(ticketId: string, command: FollowupCommand): Promise<Executed> {
    const result = await this.commands.handle(followupStreamId(ticketId), this.decider, command, { ticketId });
    const recorded = result.events.map((event) => event.type);
    this.logger.event('info', 'follow-up command handled', { ticketId, command: command.type, recorded, duplicate: result.duplicate });
    return { state: result.state, recorded };
  }

  async state(ticketId: string): Promise<{ state: FollowupState; version: number }> {
    const loaded = await this.commands.load(followupStreamId(ticketId), this.decider);
    if (loaded.state.status === 'none') throw new DomainError('NOT_FOUND', `no follow-up for ticket ${ticketId}`);
    return loaded;
  }
}


/** What the API shows of a ticket's follow-up state. */
export function describeState(ticketId: string, state: FollowupState): FollowupTicket {
  switch (state.status) {
    case 'none':
      return { ticketId, status: state.status };
    case 'awaiting_confirmation':
      return {
        ticketId,
        status: state.status,
        round: state.confirmation.round,
        resolvedBy: state.confirmation.resolvedBy,
        ...(state.confirmation.department !== undefined && { department: state.confirmation.department }),
        contactAttempts: state.attempts,
        handedToManagement: state.handedToManagement,
      };
    case 'awaiting_result':
      return { ticketId, status: state.status, round: state.lastRound, handedToManagement: state.handedToManagement };
    case 'closed':
      return { ticketId, status: state.status, round: state.round, outcome: state.outcome };
    default:
      return assertNever(state);
  }
}
