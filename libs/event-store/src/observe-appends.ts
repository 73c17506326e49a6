import type { RecordedEvent } from '@handoff/contracts';
import type { EventStore } from './event-store';

/** The store, with every successful append told to `observe` (after it has succeeded, with what it recorded). */
export function observeAppends(store: EventStore, observe: (events: readonly RecordedEvent[]) => void): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append') {
        return async (...args: Parameters<EventStore['append']>) => {
          const result = await target.append(...args);
          observe(result.events);
          return result;
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** What a store observed with `observeAppends` recorded, heard by whoever listens at the time. */
export interface AppendFeed {
  /** Hears each append from now until the returned function is called. */
  listen(listener: (events: readonly RecordedEvent[]) => void): () => void;
}

/**
 * An AppendFeed fed by `tell` (give it to observeAppends). A consumer listens while its process
 * managers run, to apply what they caused without waiting for it to come back through Kafka.
 */
export class AppendListeners implements AppendFeed {
  private readonly listeners = new Set<(events: readonly RecordedEvent[]) => void>();

  listen(listener: (events: readonly RecordedEvent[]) => void): () => void {
    // A wrapper of its own, so that the same function listening twice is heard twice and stopped once each.
    const heard = (events: readonly RecordedEvent[]) => listener(events);
    this.listeners.add(heard);
    return () => this.listeners.delete(heard);
  }

  readonly tell = (events: readonly RecordedEvent[]): void => {
    for (const listener of this.listeners) listener(events);
  };
}
