import type { RecordedEvent } from '@handoff/contracts';

type Listener = (events: readonly RecordedEvent[]) => void;

/**
 * What this instance's consumer has just applied and committed, by handler name (`policies`,
 * `webhooks`, ... as the app declared them), for parts of the same process that wait on what a
 * handler wrote: they are told at once instead of reading the table on a timer. Other instances
 * of the service are not told; what they need from another instance's writes they read on a
 * slower timer of their own.
 */
export class AppliedEvents {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Returns the function that stops listening. */
  on(handlerName: string, listener: Listener): () => void {
    const listeners = this.listeners.get(handlerName) ?? new Set<Listener>();
    this.listeners.set(handlerName, listeners);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  committed(handlerName: string, events: readonly RecordedEvent[]): void {
    for (const listener of this.listeners.get(handlerName) ?? []) listener(events);
  }
}
