import type { EventHandler } from '@handoff/messaging';
import { CONSUMERS, consumersProvider, declareConsumers, readModelConsumers, type ConsumerDefinition } from './consumers';

const handler: EventHandler = { handle: async () => undefined };

describe('consumersProvider', () => {
  it("gives each feature's declaration what it injects, and lists the handlers in the features' order", async () => {
    const received: unknown[][] = [];
    const reactions = declareConsumers(['COMMANDS', 'CLOCK'], (commands: string, clock: string) => {
      received.push([commands, clock]);
      return [{ name: 'reactions', topics: ['intake.events'], handler }];
    });
    const search = declareConsumers(['VAULT'], (vault: string) => {
      received.push([vault]);
      return [{ name: 'search', topics: ['intake.events'], handler }];
    });
    const models = readModelConsumers({
      service: 'evaluation',
      entities: [],
      migrations: [],
      models: [{ name: 'evaluation.timeline', topics: ['routing.events'], tables: ['t'], handler: () => handler }],
    });

    const provider = consumersProvider([reactions, models, search]);
    expect(provider.provide).toBe(CONSUMERS);
    expect(provider.inject).toEqual(['COMMANDS', 'CLOCK', 'VAULT']);
    const definitions = (await provider.useFactory('the commands', 'the clock', 'the vault')) as ConsumerDefinition[];

    expect(received).toEqual([['the commands', 'the clock'], ['the vault']]);
    expect(definitions.map((definition) => definition.name)).toEqual(['reactions', 'timeline', 'search']);
  });
});
