import type { RecordedEvent } from '@handoff/contracts';
import type { AppendResult, EventStore } from './event-store';
import { AppendListeners, observeAppends } from './observe-appends';

const recorded = { eventId: 'e-1', streamId: 'ticket-1', type: 'TicketOpened' } as unknown as RecordedEvent;

/** A store whose appends all succeed, recording what it was asked: the wrapper is what is tested here. */
function storeThatAppends(): EventStore & { appended: number } {
  const store = {
    appended: 0,
    async append(): Promise<AppendResult> {
      store.appended += 1;
      return { nextExpectedVersion: 0, events: [recorded] } as unknown as AppendResult;
    },
  };
  return store as unknown as EventStore & { appended: number };
}

describe('observeAppends', () => {
  it('tells the observer what a successful append recorded', async () => {
    const heard: (readonly RecordedEvent[])[] = [];
    const store = observeAppends(storeThatAppends(), (events) => heard.push(events), () => undefined);
    await store.append('ticket-1', [], 'any');
    expect(heard).toEqual([[recorded]]);
  });

  it('returns the append that succeeded when the observer throws, and reports the error', async () => {
    const inner = storeThatAppends();
    const failures: unknown[] = [];
    const store = observeAppends(
      inner,
      () => {
        throw new Error('listener broke');
      },
      (error) => failures.push(error),
    );
    await expect(store.append('ticket-1', [], 'any')).resolves.toMatchObject({ events: [recorded] });
    expect(inner.appended).toBe(1);
    expect(failures).toEqual([new Error('listener broke')]);
  });
});

describe('AppendListeners', () => {
  it('tells every listener even when one throws, then throws the first error', () => {
    const listeners = new AppendListeners();
    const heard: string[] = [];
    listeners.listen(() => {
      throw new Error('first broke');
    });
    listeners.listen(() => heard.push('second'));
    expect(() => listeners.tell([recorded])).toThrow('first broke');
    expect(heard).toEqual(['second']);
  });

  it('stops telling a listener once it stops listening', () => {
    const listeners = new AppendListeners();
    const heard: string[] = [];
    const stop = listeners.listen(() => heard.push('heard'));
    listeners.tell([recorded]);
    stop();
    listeners.tell([recorded]);
    expect(heard).toEqual(['heard']);
  });
});
