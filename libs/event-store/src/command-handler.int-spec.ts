import { DomainError, newId, type Command, type Decider, type DomainEvent, type RecordedEvent } from '@handoff/contracts';
import { sharedStoreForThisFile } from '@handoff/testing/services';
import { CommandHandler } from './command-handler';
import type { EventStore } from './event-store';

type TallyCommand = Command<'Add', { amount: number }> | Command<'Close', Record<string, never>> | Command<'Reopen', Record<string, never>>;
type TallyEvent = DomainEvent<'Added', { amount: number }> | DomainEvent<'Closed', Record<string, never>> | DomainEvent<'Reopened', Record<string, never>>;
interface Tally {
  readonly total: number;
  readonly closed: boolean;
}

const tally: Decider<TallyCommand, TallyEvent, Tally> = {
  initialState: { total: 0, closed: false },
  decide(command, state) {
    switch (command.type) {
      case 'Add':
        if (state.closed) throw new DomainError('CONFLICT', 'the tally is closed');
        return [{ type: 'Added', data: { amount: (command.data as { amount: number }).amount } }];
      case 'Close':
        return state.closed ? [] : [{ type: 'Closed', data: {} }];
      case 'Reopen':
        return state.closed ? [{ type: 'Reopened', data: {} }] : [];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'Added':
        return { ...state, total: state.total + (event.data as { amount: number }).amount };
      case 'Closed':
        return { ...state, closed: true };
      case 'Reopened':
        return { ...state, closed: false };
    }
  },
};

const command = (type: TallyCommand['type'], data: Record<string, unknown> = {}, causationId = newId()) =>
  ({ type, data, metadata: { now: new Date(), actor: { id: 'agent-1', role: 'cs' }, correlationId: newId(), causationId } }) as TallyCommand;

/** A store that counts the stream reads it is asked for. */
function countingReads(store: EventStore): { store: EventStore; reads: () => number } {
  let reads = 0;
  const counting = Object.create(store) as EventStore;
  counting.readStream = (streamId: string, fromPosition?: number): Promise<RecordedEvent[]> => {
    reads++;
    return store.readStream(streamId, fromPosition);
  };
  return { store: counting, reads: () => reads };
}

/**
 * The handler keeps the state it decided on, so the next command on a stream is decided without
 * reading it; whatever another instance wrote meanwhile makes the append fail, and the command
 * is decided again on the stream as read, as if nothing had been kept.
 */
describe('the command handler’s kept state', () => {
  const stores = sharedStoreForThisFile('command_handler', 2, 2);

  const events = async (stream: string) => (await stores[0].readStream(stream)).map((event) => event.type);

  it('decides the next command on a stream it wrote without reading the stream again', async () => {
    const { store, reads } = countingReads(stores[0]);
    const handler = new CommandHandler(store);
    const stream = `tally-${newId()}`;
    await handler.handle(stream, tally, command('Add', { amount: 2 }), { ticketId: 't', usuallyNewStream: true });
    const second = await handler.handle(stream, tally, command('Add', { amount: 3 }), { ticketId: 't' });
    const third = await handler.handle(stream, tally, command('Close'), { ticketId: 't' });
    expect(reads()).toBe(0);
    expect(second).toMatchObject({ state: { total: 5, closed: false }, version: 1, duplicate: false });
    expect(third).toMatchObject({ state: { total: 5, closed: true }, version: 2 });
    expect(await events(stream)).toEqual(['Added', 'Added', 'Closed']);
  });

  it('decides again on the stream as read when another instance wrote to it meanwhile', async () => {
    const { store, reads } = countingReads(stores[0]);
    const handler = new CommandHandler(store);
    const other = new CommandHandler(stores[1]);
    const stream = `tally-${newId()}`;
    await handler.handle(stream, tally, command('Add', { amount: 2 }), { ticketId: 't', usuallyNewStream: true });
    await other.handle(stream, tally, command('Add', { amount: 10 }), { ticketId: 't' });
    const after = await handler.handle(stream, tally, command('Add', { amount: 3 }), { ticketId: 't' });
    expect(after).toMatchObject({ state: { total: 15 }, version: 2 });
    expect(reads()).toBe(1);
    expect(await events(stream)).toEqual(['Added', 'Added', 'Added']);
  });

  it('does not take the kept state’s refusal, or its "nothing to do", for the stream’s', async () => {
    const handler = new CommandHandler(stores[0]);
    const other = new CommandHandler(stores[1]);
    const stream = `tally-${newId()}`;
    await handler.handle(stream, tally, command('Add', { amount: 1 }), { ticketId: 't', usuallyNewStream: true });
    await handler.handle(stream, tally, command('Close'), { ticketId: 't' });
    await other.handle(stream, tally, command('Reopen'), { ticketId: 't' });
    // Kept: closed, which refuses an addition; the stream: reopened, which takes it.
    expect(await handler.handle(stream, tally, command('Add', { amount: 4 }), { ticketId: 't' })).toMatchObject({ state: { total: 5, closed: false } });
    await other.handle(stream, tally, command('Close'), { ticketId: 't' });
    // Kept: open, where reopening does nothing; the stream: closed again, where it reopens.
    const reopened = await handler.handle(stream, tally, command('Reopen'), { ticketId: 't' });
    expect(reopened.events.map((event) => event.type)).toEqual(['Reopened']);
    expect(await events(stream)).toEqual(['Added', 'Closed', 'Reopened', 'Added', 'Closed', 'Reopened']);
  });

  it('answers a cause another instance already wrote as a duplicate, writing nothing', async () => {
    const handler = new CommandHandler(stores[0]);
    const other = new CommandHandler(stores[1]);
    const stream = `tally-${newId()}`;
    const cause = newId();
    await handler.handle(stream, tally, command('Add', { amount: 1 }), { ticketId: 't', usuallyNewStream: true });
    await other.handle(stream, tally, command('Add', { amount: 2 }, cause), { ticketId: 't' });
    const again = await handler.handle(stream, tally, command('Add', { amount: 2 }, cause), { ticketId: 't' });
    expect(again).toMatchObject({ duplicate: true, state: { total: 3 }, version: 1 });
    // And its own cause, delivered twice, without reading: it is among the causes kept.
    const own = newId();
    await handler.handle(stream, tally, command('Add', { amount: 5 }, own), { ticketId: 't' });
    expect(await handler.handle(stream, tally, command('Add', { amount: 5 }, own), { ticketId: 't' })).toMatchObject({ duplicate: true, state: { total: 8 } });
    expect(await events(stream)).toEqual(['Added', 'Added', 'Added']);
  });
});
