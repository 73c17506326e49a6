import {
  EVENT_UPCASTERS,
  contractOf,
  newId,
  type Command,
  type Decider,
  type DomainEvent,
  type NewEvent,
  type RecordedEvent,
  type UpcasterRegistry,
} from '@handoff/contracts';
import { ConcurrencyConflict, NO_STREAM, type EventStore } from './event-store';

export interface HandleResult<S> {
  readonly state: S;
  readonly events: readonly RecordedEvent[];
  /** The stream already held an event caused by the same request or message. */
  readonly duplicate: boolean;
  /** The stream's last position after the command (-1: still no stream). */
  readonly version: number;
}

export interface HandleOptions {
  readonly ticketId: string;
  /** Schema version of each event type written now; by default the contracts registry's current one. */
  readonly versionOf?: (type: string) => number;
  /**
   * The command usually starts its stream (a new contact, a ticket routing has not seen): decide
   * on the initial state and append as the first events without reading the stream first. If the
   * stream exists after all, the append fails and the command is handled the usual way, so the
   * hint saves a round trip when it is right and costs one when it is wrong.
   */
  readonly usuallyNewStream?: boolean;
}

/** A stream's state as folded up to `version`, its last position (-1: no stream). */
export interface LoadedState<S> {
  readonly state: S;
  readonly version: number;
}

const MAX_ATTEMPTS = 8;

/**
 * The one generic application service: read the stream, fold, decide, append with the
 * version that was read. A concurrent writer makes the append fail; we then decide again
 * on fresh state, which is the only correct retry for an event-sourced decision.
 *
 * A command whose causation id already caused an event in this stream is not decided again:
 * that is what turns at-least-once Kafka delivery into exactly-once effects on the stream.
 */
export class CommandHandler {
  constructor(
    private readonly store: EventStore,
    // Deciders only ever fold the current shape of each event.
    private readonly upcasters: UpcasterRegistry = EVENT_UPCASTERS,
  ) {}

  async handle<C extends Command, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C,
    options: HandleOptions,
  ): Promise<HandleResult<S>> {
    if (options.usuallyNewStream) {
      const started = await this.startStream(streamId, decider, command, options);
      if (started) return started;
    }
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.store.readStream(streamId);
      const state = this.fold(decider, recorded);
      const version = recorded.length - 1;
      const alreadyCaused = recorded.filter((event) => event.metadata.causationId === command.metadata.causationId);
      if (alreadyCaused.length > 0) return { state, events: alreadyCaused, duplicate: true, version };

      const decided = decider.decide(command, state);
      if (decided.length === 0) return { state, events: [], duplicate: false, version };
      try {
        const result = await this.store.append(streamId, decided.map((event) => toNewEvent(event, command, options)), version);
        const next = decided.reduce((current, event) => decider.evolve(current, event), state);
        return { state: next, events: result.events, duplicate: false, version: result.nextExpectedVersion };
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** The command decided on the initial state and appended as a new stream; undefined when the stream exists or the decision needs the real state. */
  private async startStream<C extends Command, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C,
    options: HandleOptions,
  ): Promise<HandleResult<S> | undefined> {
    let decided: readonly E[];
    try {
      decided = decider.decide(command, decider.initialState);
    } catch {
      // Refused on a stream that may not be new: the usual way decides on the real state.
      return undefined;
    }
    if (decided.length === 0) return undefined;
    try {
      const result = await this.store.append(streamId, decided.map((event) => toNewEvent(event, command, options)), NO_STREAM);
      const state = decided.reduce((current, event) => decider.evolve(current, event), decider.initialState);
      return { state, events: result.events, duplicate: false, version: result.nextExpectedVersion };
    } catch (error) {
      if (error instanceof ConcurrencyConflict) return undefined;
      throw error;
    }
  }

  /**
   * The current state of a stream without deciding anything (for queries that must read the source
   * of truth). `known`: a state this stream was folded to before, at its version: only the events
   * after it are read and folded onto it, for a stream read again and again that keeps growing.
   */
  async load<C extends Command, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>, known?: LoadedState<S>): Promise<LoadedState<S>> {
    const from = known ? known.version + 1 : 0;
    const recorded = await this.store.readStream(streamId, from);
    return { state: this.fold(decider, recorded, known?.state), version: from + recorded.length - 1 };
  }

  private fold<C extends Command, E extends DomainEvent, S>(decider: Decider<C, E, S>, recorded: readonly RecordedEvent[], from: S = decider.initialState): S {
    let state = from;
    for (const stored of recorded) {
      const event = this.upcasters.upcast(stored);
      state = decider.evolve(state, { type: event.type, data: event.data } as E);
    }
    return state;
  }
}

function toNewEvent(event: DomainEvent, command: Command, options: HandleOptions): NewEvent {
  const { metadata } = command;
  return {
    eventId: newId(),
    type: event.type,
    schemaVersion: options.versionOf?.(event.type) ?? contractOf(event.type)?.version ?? 1,
    ticketId: options.ticketId,
    data: event.data,
    metadata: {
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      actorId: metadata.actor.id,
      role: metadata.actor.role,
      ...(metadata.actor.department ? { department: metadata.actor.department } : {}),
      occurredAt: metadata.now.toISOString(),
      ...(metadata.reason ? { reason: metadata.reason } : {}),
    },
  };
}
