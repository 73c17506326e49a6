import { z } from 'zod';
import type { Actor, Command, CommandMetadata, DomainEvent } from '../decider';
import type { RecordedEvent } from '../envelope';
import { fieldErrorsOf } from '../envelope.schema';
import { ValidationFailed } from '../refusals';
import { storableString } from '../storable-text';
import { EVENT_UPCASTERS } from './upcasters';
import { CHANNELS, CLOSE_OUTCOMES, PRIORITIES, RESOLUTIONS, TICKET_TYPES } from '../api/vocabulary';

// ---------------------------------------------------------------------------------------------
// The vocabulary every context shares: in the API's module, which the consoles read too

export {
  CHANNELS,
  CLOSE_OUTCOMES,
  PRIORITIES,
  PRIORITY_RANK,
  RESOLUTIONS,
  TICKET_TYPES,
  higherPriority,
  type Category,
  type Channel,
  type CloseOutcome,
  type Department,
  type Priority,
  type Resolution,
  type TicketType,
} from '../api/vocabulary';

/**
 * Who the ticket is about, as events carry it: the contact details (name, phone, e-mail) are
 * sealed under that customer's own key (libs/vault), so no event, topic or export holds them in
 * clear, and destroying the key erases them everywhere at once. `customerId` is the upstream
 * system's own reference, not contact data.
 */
export interface Customer {
  /** Which customer key opens `sealed`; the same for one customer across tickets. */
  readonly keyId: string;
  /** `v1.<iv>.<ciphertext>.<tag>`: AES-256-GCM over the details, bound to the key id. */
  readonly sealed: string;
  readonly customerId?: string;
}

// ---------------------------------------------------------------------------------------------
// Schemas for event data. They are tolerant readers (unknown members are dropped, not refused)
// so that an additive change by a producer does not break a consumer still on the older shape.

export const channelSchema = z.enum(CHANNELS);
export const ticketTypeSchema = z.enum(TICKET_TYPES);
export const prioritySchema = z.enum(PRIORITIES);
export const resolutionSchema = z.enum(RESOLUTIONS);
export const closeOutcomeSchema = z.enum(CLOSE_OUTCOMES);
export const identifierSchema = storableString().min(1).max(64);
export const departmentSchema = identifierSchema;
export const categorySchema = identifierSchema;
export const isoInstantSchema = z.iso.datetime({ offset: true });
export const roundSchema = z.number().int().nonnegative();
export const textSchema = storableString().min(1);

export const customerSchema = z.object({
  keyId: z.string().regex(/^cust_[A-Za-z0-9_-]+$/, 'must be a customer key id'),
  sealed: z.string().regex(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/, 'must be sealed contact details'),
  customerId: z.string().min(1).optional(),
});

// ---------------------------------------------------------------------------------------------
// Versioned event contracts

/** An event's current schema version and the schema its data must satisfy at that version. */
export interface EventContract<Data> {
  readonly version: number;
  readonly schema: z.ZodType<Data>;
}

/** Every event type of a context mapped to its contract; the compiler checks none is missing. */
export type EventRegistry<E extends DomainEvent> = {
  readonly [Type in E['type']]: EventContract<Extract<E, { readonly type: Type }>['data']>;
};

/** The recorded (enveloped) form of each event of a union, so a `switch` on `type` narrows `data`. */
export type RecordedOf<E extends DomainEvent> = E extends DomainEvent<infer Type, infer Data>
  ? RecordedEvent<Type, Data>
  : never;

/**
 * For a consumer: the event typed by its registry with its data validated, or `undefined` when
 * the type is not one of the registry's (another context's event on a shared topic).
 * Throws `ValidationFailed` when the data does not match; the consumer dead-letters it.
 * An older schema version is upcast first (`EVENT_UPCASTERS`); the schema is the current version's.
 */
export function typedEventOf<E extends DomainEvent>(
  registry: EventRegistry<E>,
  event: RecordedEvent,
): RecordedOf<E> | undefined {
  if (!Object.prototype.hasOwnProperty.call(registry, event.type)) return undefined;
  const contract = (registry as Record<string, EventContract<unknown>>)[event.type];
  // A consumer's batch passes the same event to many folds (two calls per table each), and the
  // contract's parse is the same every time: recorded events are immutable, so it is kept per event.
  const known = TYPED.get(event);
  if (known?.contract === contract) return known.typed as RecordedOf<E>;
  const typed = parsedAgainst(contract, event);
  TYPED.set(event, { contract, typed });
  return typed as RecordedOf<E>;
}

const TYPED = new WeakMap<RecordedEvent, { readonly contract: EventContract<unknown>; readonly typed: RecordedEvent }>();

/**
 * The contract's schema compiled by zod, once per schema: every event a consumer or a rebuild
 * takes is parsed, and the compiled parse of valid data is several times quicker than zod's
 * interpreter. Data it refuses goes through the interpreter, so the issues are the same.
 */
function compiledSchemaOf<Data>(schema: z.ZodType<Data>): z.ZodType<Data> {
  let compiled = COMPILED.get(schema) as z.ZodType<Data> | undefined;
  if (!compiled) {
    compiled = z.compile(schema);
    COMPILED.set(schema, compiled);
  }
  return compiled;
}

const COMPILED = new WeakMap<z.ZodType<unknown>, z.ZodType<unknown>>();

function parsedAgainst(contract: EventContract<unknown>, event: RecordedEvent): RecordedEvent {
  // An older shape is brought up to date here, so no consumer meets it; a newer one is refused below.
  if (event.schemaVersion < contract.version) event = EVENT_UPCASTERS.upcast(event);
  if (event.schemaVersion !== contract.version) {
    throw new ValidationFailed([
      { field: 'schemaVersion', message: `${event.type} must be upcast to v${contract.version}, got v${event.schemaVersion}` },
    ]);
  }
  const result = compiledSchemaOf(contract.schema).safeParse(event.data);
  if (!result.success) {
    throw new ValidationFailed(fieldErrorsOf(result.error).map((error) => ({ ...error, field: `data.${error.field}` })));
  }
  return { ...event, data: result.data } as RecordedEvent;
}

// ---------------------------------------------------------------------------------------------
// Streams: one per ticket and context

export const STREAM_PREFIXES = {
  intake: 'intake-ticket-',
  routing: 'routing-ticket-',
  followup: 'followup-ticket-',
} as const;

export const intakeStreamId = (ticketId: string): string => STREAM_PREFIXES.intake + ticketId;
export const routingStreamId = (ticketId: string): string => STREAM_PREFIXES.routing + ticketId;
export const followupStreamId = (ticketId: string): string => STREAM_PREFIXES.followup + ticketId;

/** Whether the event is the first of the stream `streamId`: nothing of that stream comes before it. */
export const firstOfStream = (event: { readonly streamId: string; readonly streamPosition: number }, streamId: string): boolean =>
  event.streamPosition === 0 && event.streamId === streamId;

// ---------------------------------------------------------------------------------------------
// Process managers: `react(event, context) -> Reaction[]`, pure like deciders

/** What a process manager needs besides the event: the consumer's clock and its own identity. */
export interface ReactionContext {
  readonly now: Date;
  /** The process manager's service identity (role `system`). */
  readonly actor: Actor;
}

/** A command for one stream; the consumer hands it to the generic `handle(streamId, command)`. */
export interface Reaction<C extends Command> {
  readonly streamId: string;
  readonly command: C;
}

/**
 * Metadata for a command caused by an event: same correlation, the event as the cause (so a
 * redelivered event is recognisable as a duplicate), the consumer's time and identity.
 */
export function metadataCausedBy(event: RecordedEvent, context: ReactionContext): CommandMetadata {
  return {
    now: context.now,
    actor: context.actor,
    correlationId: event.metadata.correlationId,
    causationId: event.eventId,
  };
}
