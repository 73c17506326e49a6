import { INTAKE_EVENTS, ROUTING_EVENTS, TOPICS, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, declareConsumers, reactorHandler, type Clock } from '@handoff/platform';
import { react } from './confirmations.react';
import { CONFIRMATIONS_DECIDER, type ConfirmationsDecider } from './confirmations.service';

const PROCESS_MANAGER: Actor = { id: 'system:followup', role: 'system' };

export const CONFIRMATIONS_CONSUMERS = declareConsumers(
  [CommandHandler, CONFIRMATIONS_DECIDER, CLOCK],
  (commands: CommandHandler, decider: ConfirmationsDecider, clock: Clock) => [
    // A department's result: CS confirms it with the customer.
    {
      name: 'results',
      topics: [TOPICS.routingEvents],
      handler: reactorHandler({ registry: ROUTING_EVENTS, eventTypes: ['ResultReported'], react, decider, commands, actor: PROCESS_MANAGER, clock }),
    },
    // CS's own answer at first contact: confirmed like any result (round 0).
    {
      name: 'first-contact-answers',
      topics: [TOPICS.intakeEvents],
      handler: reactorHandler({ registry: INTAKE_EVENTS, eventTypes: ['AnsweredAtFirstContact'], react, decider, commands, actor: PROCESS_MANAGER, clock }),
    },
  ],
);
