import type { RecordedEvent } from '@handoff/contracts';
import type { EventStore } from './event-store';

/**
 * The store, with every successful append told to `observe` (after it has succeeded, with what it
 * recorded). An observer that throws is reported to `failed` and the append still returns: the
 * events are stored, and a caller told otherwise would retry what already happened.
 */
export function observeAppends(store: EventStore, observe: (events: readonly RecordedEvent[]) => void, failed: (error: unknown) => void): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append') {
        return async (...args: Parameters<EventStore['append']>) => {
          const result = await target.append(...args);
          try {
            observe(result.events);
          } catch (error) {
            failed(error);
          }
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

  /** Tells every listener, each even if one before it threw; the first error is thrown after. */
  readonly tell = (events: readonly RecordedEvent[]): void => {
    const errors: unknown[] = [];
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  };
}
