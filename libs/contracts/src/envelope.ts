/**
 * The envelope every Handoff service writes and reads. Domain types never see it:
 * deciders work on `data`, the infrastructure carries who/when/why in `metadata`.
 */
export const ROLES = [
  'system',
  'cs',
  'department_handler',
  'department_manager',
  'management',
  'qa',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];
/** The roles a person signs in with; `system` is for upstream systems and the services' own processes. */
export const PERSON_ROLES = ROLES.filter((role): role is Exclude<Role, 'system'> => role !== 'system');

export interface EventMetadata {
  readonly correlationId: string;
  readonly causationId: string;
  readonly actorId: string;
  readonly role: Role;
  readonly department?: string;
  /** When it happened in the world (may be injected by a test or an upstream system). */
  readonly occurredAt: string;
  /** When the store accepted it; set by the store, never by the caller. */
  readonly recordedAt: string;
  /** Why, in the actor's words, where the step asks for one (pass, objection, data access). */
  readonly reason?: string;
  /**
   * The W3C trace context of the append that recorded it, when tracing was on: the relay
   * publishes the event later, outside the request, and continues the request's trace from it.
   */
  readonly traceparent?: string;
}

/** What a caller hands to the store. Position, hashes and recordedAt are the store's job. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly ticketId: string;
  readonly data: Data;
  readonly metadata: Omit<EventMetadata, 'recordedAt'>;
}

/** An event as stored and as published to Kafka. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly streamId: string;
  /** 0 for the first event of a stream. */
  readonly streamPosition: number;
  /** Opaque, totally ordered within one store; compare only through the store. */
  readonly globalPosition: string;
  readonly ticketId: string;
  readonly data: Data;
  readonly metadata: EventMetadata;
  /** sha256 over the canonical content (see hashing.ts). */
  readonly contentHash: string;
  /** Hash of the previous event in the same stream (GENESIS_HASH for the first). */
  readonly previousHash: string;
  /** sha256(previousHash + contentHash): the link auditors verify. */
  readonly hash: string;
}
