import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  routingStreamId,
  type Actor,
  type CommandMetadata,
  type Decider,
  type RoutingEvent,
} from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CONFIG, PolicyBook } from '@handoff/platform';
import type { DeadlinePolicy } from '@handoff/service-time';
import { routingPolicyOf, type RoutingConfig } from '../config';
import type { Organisation } from '../organisation/organisation';
import { ORGANISATION } from '../organisation/organisation-in-force';
import type { RoutingRules } from './routing-rules';
import { staffedDecider } from './staffed-decider';
import { ticketsDecider, type RoutingCommand, type RoutingState } from './tickets.decider';

export type RoutedState = Exclude<RoutingState, { status: 'unrouted' }>;

/** Turns requests into routing commands; the decisions are the decider's. */
@Injectable()
export class TicketsService {
  /** The one decider of the service, with the configured policy and organisation, and the deadline policy in force. */
  readonly decider: Decider<RoutingCommand, RoutingEvent, RoutingState>;

  constructor(
    private readonly commands: CommandHandler,
    @Inject(CONFIG) config: RoutingConfig,
    policies: PolicyBook,
    @Inject(ORGANISATION) organisation: Organisation,
  ) {
    const policy = routingPolicyOf(
      config,
      () => policies.current<DeadlinePolicy>('deadlines').document,
      () => policies.current<RoutingRules>('routing-rules').document,
    );
    this.decider = staffedDecider(ticketsDecider(policy), organisation);
  }

  async execute(ticketId: string, command: RoutingCommand): Promise<RoutedState> {
    const { state } = await this.commands.handle(routingStreamId(ticketId), this.decider, command, { ticketId });
    if (state.status === 'unrouted') throw new DomainError('NOT_FOUND', `no ticket ${ticketId} in routing`);
    return state;
  }

  async state(ticketId: string): Promise<{ state: RoutedState; version: number }> {
    const { state, version } = await this.commands.load(routingStreamId(ticketId), this.decider);
    if (state.status === 'unrouted') throw new DomainError('NOT_FOUND', `no ticket ${ticketId} in routing`);
    return { state, version };
  }
}

export function handlerOf(state: RoutedState): string | undefined {
  return state.status === 'in_progress' || state.status === 'result_reported' || state.status === 'with_management' ? state.handlerId : undefined;
}
