import { FOLLOWUP_EVENTS, TOPICS } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, declareConsumers, reactorHandler, type Clock } from '@handoff/platform';
import { contactsDecider } from './contacts.decider';
import { react } from './contacts.react';

export const CONTACTS_CONSUMERS = declareConsumers([CommandHandler, CLOCK], (commands: CommandHandler, clock: Clock) => [
  {
    name: 'objections',
    topics: [TOPICS.followupEvents],
    handler: reactorHandler({
      registry: FOLLOWUP_EVENTS,
      eventTypes: ['CustomerObjected'],
      react,
      decider: contactsDecider,
      commands,
      actor: { id: 'system:intake', role: 'system' },
      clock,
    }),
  },
]);
