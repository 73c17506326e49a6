import type { Role } from './envelope';

/** Who is acting, always taken from authentication, never from a request body. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
  readonly department?: string;
}

/** Everything a decision may depend on besides state: injected, so tests set it. */
export interface CommandMetadata {
  readonly now: Date;
  readonly actor: Actor;
  readonly correlationId: string;
  /** The request or the event that caused this command; a repeated causation is a duplicate. */
  readonly causationId: string;
  readonly reason?: string;
}

export interface Command<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

/** A domain event as deciders see it: no envelope, no positions. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface Decider<C extends Command, E extends DomainEvent, S> {
  readonly initialState: S;
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected: ${JSON.stringify(value)}`);
}
