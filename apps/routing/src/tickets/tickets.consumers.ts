import { FOLLOWUP_EVENTS, INTAKE_EVENTS, TOPICS, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, declareConsumers, reactorHandler, type Clock } from '@handoff/platform';
import { react } from './tickets.react';
import { TicketsService } from './tickets.service';

const ROUTING_PROCESS: Actor = { id: 'system:routing', role: 'system' };

export const TICKETS_CONSUMERS = declareConsumers([CommandHandler, TicketsService, CLOCK], (commands: CommandHandler, tickets: TicketsService, clock: Clock) => [
  {
    // A ticket intake hands over is routed to a department, its deadlines running from the hand-over.
    name: 'hand-overs',
    topics: [TOPICS.intakeEvents],
    handler: reactorHandler({
      registry: INTAKE_EVENTS,
      eventTypes: ['TicketHandedOver'],
      react,
      decider: tickets.decider,
      commands,
      actor: ROUTING_PROCESS,
      clock,
      // Routing has not seen the ticket before, unless it comes back after an objection.
      startsStream: (command) => command.type === 'RouteTicket',
    }),
  },
  {
    // The customer's answer through follow-up: another round, management, or the end of the clocks.
    name: 'follow-ups',
    topics: [TOPICS.followupEvents],
    handler: reactorHandler({
      registry: FOLLOWUP_EVENTS,
      eventTypes: ['CustomerObjected', 'TicketHandedToManagement', 'TicketClosed'],
      react,
      decider: tickets.decider,
      commands,
      actor: ROUTING_PROCESS,
      clock,
    }),
  },
]);
