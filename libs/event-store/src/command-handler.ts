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
/** Streams whose state a handler keeps after deciding on them, the least recently used forgotten first. */
const KNOWN_STREAMS = 10_000;

/** A stream as this handler last folded or wrote it: its state, last position and the causes of its events. */
interface KnownStream {
  readonly initialState: unknown;
  readonly state: unknown;
  readonly version: number;
  readonly causes: ReadonlySet<string>;
}

/**
 * The one generic application service: read the stream, fold, decide, append with the
 * version that was read. A concurrent writer makes the append fail; we then decide again
 * on fresh state, which is the only correct retry for an event-sourced decision.
 *
 * A command whose causation id already caused an event in this stream is not decided again:
 * that is what turns at-least-once Kafka delivery into exactly-once effects on the stream.
 *
 * The state a command was decided on is kept, per stream and fold, so the next command on the
 * stream (a ticket routed, then assigned a moment later) is decided without reading it again. The
 * append with the version kept is the check: should anything have been written to the stream
 * since, by another instance or another path, the append fails and the command is decided again
 * on what the stream holds. A command the kept state refuses, or answers with no event, is also
 * decided again on the stream as read, since only an append can prove the state was current.
 */
export class CommandHandler {
  /** Keyed by the decider's fold (`evolve`): the state a stream was folded to is that fold's. */
  private readonly known = new WeakMap<object, Map<string, KnownStream>>();

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
    const kept = this.recall(decider, streamId);
    if (kept && !kept.causes.has(command.metadata.causationId)) {
      const decided = await this.decideOnKept(streamId, decider, command, options, kept);
      if (decided) return decided;
    }
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.store.readStream(streamId);
      const state = this.fold(decider, recorded);
      const version = recorded.length - 1;
      const causes = new Set(recorded.map((event) => event.metadata.causationId));
      this.remember(decider, streamId, state, version, causes);
      const alreadyCaused = recorded.filter((event) => event.metadata.causationId === command.metadata.causationId);
      if (alreadyCaused.length > 0) return { state, events: alreadyCaused, duplicate: true, version };

      const decided = decider.decide(command, state);
      if (decided.length === 0) return { state, events: [], duplicate: false, version };
      try {
        const result = await this.store.append(streamId, decided.map((event) => toNewEvent(event, command, options)), version);
        const next = decided.reduce((current, event) => decider.evolve(current, event), state);
        this.remember(decider, streamId, next, result.nextExpectedVersion, causes.add(command.metadata.causationId));
        return { state: next, events: result.events, duplicate: false, version: result.nextExpectedVersion };
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * The command decided on the state kept and appended at the version kept; undefined when the kept
   * state refuses it or decides nothing (to be decided again on the stream as read), or when the
   * stream has moved on since (the append's conflict says so, and the kept state is forgotten).
   */
  private async decideOnKept<C extends Command, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C,
    options: HandleOptions,
    kept: KnownStream,
  ): Promise<HandleResult<S> | undefined> {
    const state = kept.state as S;
    let decided: readonly E[];
    try {
      decided = decider.decide(command, state);
    } catch {
      return undefined;
    }
    if (decided.length === 0) return undefined;
    try {
      const result = await this.store.append(streamId, decided.map((event) => toNewEvent(event, command, options)), kept.version);
      const next = decided.reduce((current, event) => decider.evolve(current, event), state);
      this.remember(decider, streamId, next, result.nextExpectedVersion, new Set(kept.causes).add(command.metadata.causationId));
      return { state: next, events: result.events, duplicate: false, version: result.nextExpectedVersion };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict)) throw error;
      this.known.get(decider.evolve)?.delete(streamId);
      return undefined;
    }
  }

  private recall<S>(decider: Decider<Command, DomainEvent, S>, streamId: string): KnownStream | undefined {
    const streams = this.known.get(decider.evolve);
    const kept = streams?.get(streamId);
    if (!streams || !kept || kept.initialState !== decider.initialState) return undefined;
    // Used again: moved to the end, the most recently used.
    streams.delete(streamId);
    streams.set(streamId, kept);
    return kept;
  }

  private remember<S>(decider: Decider<Command, DomainEvent, S>, streamId: string, state: S, version: number, causes: ReadonlySet<string>): void {
    let streams = this.known.get(decider.evolve);
    if (!streams) this.known.set(decider.evolve, (streams = new Map()));
    // Two commands on one stream at once may finish out of order: the further version is kept.
    const before = streams.get(streamId);
    if (before && before.initialState === decider.initialState && before.version > version) return;
    streams.delete(streamId);
    streams.set(streamId, { initialState: decider.initialState, state, version, causes });
    if (streams.size > KNOWN_STREAMS) streams.delete(streams.keys().next().value!);
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
      this.remember(decider, streamId, state, result.nextExpectedVersion, new Set([command.metadata.causationId]));
      return { state, events: result.events, duplicate: false, version: result.nextExpectedVersion };
    } catch (error) {
      if (error instanceof ConcurrencyConflict) return undefined;
      throw error;
    }
  }

  /**
   * The current state of a stream without deciding anything (for queries that must read the source
   * of truth). From the state kept for the stream, when there is one, only the events recorded since
   * are read and folded onto it: a stream read again and again that keeps growing (a department's
   * absences, read at every assignment) costs what was added to it, not its length.
   */
  async load<C extends Command, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>): Promise<LoadedState<S>> {
    const kept = this.recall(decider, streamId);
    const from = kept ? kept.version + 1 : 0;
    const recorded = await this.store.readStream(streamId, from);
    const state = this.fold(decider, recorded, kept ? (kept.state as S) : decider.initialState);
    const version = from + recorded.length - 1;
    const causes = new Set(kept?.causes);
    for (const event of recorded) causes.add(event.metadata.causationId);
    this.remember(decider, streamId, state, version, causes);
    return { state, version };
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
