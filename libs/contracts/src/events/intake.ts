import { z } from 'zod';
import type { DomainEvent } from '../decider';
import {
  type Category,
  type Channel,
  type Customer,
  type EventRegistry,
  type Priority,
  type Resolution,
  type TicketType,
  categorySchema,
  channelSchema,
  customerSchema,
  identifierSchema,
  isoInstantSchema,
  prioritySchema,
  resolutionSchema,
  textSchema,
  ticketTypeSchema,
} from './common';

/**
 * Intake (CS, the front window). Stream `intake-ticket-<ticketId>`, topic `intake.events`.
 * Who recorded, when and why is in each event's envelope metadata, not here.
 */

/** Everything the contact said, kept whole so no department has to ask the customer again. */
export interface ContactRecordedData {
  readonly sourceSystem: string;
  readonly externalId: string;
  readonly channel: Channel;
  /** Only for `social_media`: wechat, weibo, douyin, ... */
  readonly platform?: string;
  readonly type: TicketType;
  readonly customer: Customer;
  readonly subject: string;
  readonly description: string;
  /** The category the upstream system suggested, if any; `TicketClassified` has the one that counts. */
  readonly suggestedCategory?: string;
  /** The priority the upstream system asked for, if any. */
  readonly requestedPriority?: Priority;
  /** When the customer made contact according to the upstream system (may precede recording). */
  readonly contactedAt?: string;
  /**
   * Keyed digests of the customer's name, phone and e-mail under that customer's own key (never
   * the details), so a repeated delivery can be compared with what was recorded. Absent on
   * contacts recorded before it existed.
   */
  readonly customerFingerprint?: CustomerFingerprint;
}

export interface CustomerFingerprint {
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
}
export type ContactRecorded = DomainEvent<'ContactRecorded', ContactRecordedData>;

/** The names of the classification rules that decided each outcome, so the decision is explainable. */
export interface ClassificationRulesMatched {
  readonly category: string;
  readonly priority: string;
  readonly resolution: string;
}

export interface TicketClassifiedData {
  readonly category: Category;
  readonly priority: Priority;
  readonly resolution: Resolution;
  readonly matched: ClassificationRulesMatched;
  /** Version of the classification rules in force, so a replay can tell which rules applied. */
  readonly rulesVersion: string;
}
export type TicketClassified = DomainEvent<'TicketClassified', TicketClassifiedData>;

export const HAND_OVER_REASONS = [
  /** Classified for a department (complaints always are): handed over in the same decision. */
  'classified_for_department',
  /** Classified as answerable at first contact, but the CS agent could not answer it. */
  'cs_could_not_answer',
  /** The customer objected to the first-contact answer: a department takes it over. */
  'customer_objected',
] as const;
export type HandOverReason = (typeof HAND_OVER_REASONS)[number];

/** The ticket passes from CS to routing, with everything a department needs. */
export interface TicketHandedOverData {
  readonly channel: Channel;
  readonly platform?: string;
  readonly type: TicketType;
  readonly category: Category;
  readonly priority: Priority;
  readonly customer: Customer;
  readonly subject: string;
  readonly description: string;
  /** Complaints go to management at once as well as to the department. */
  readonly complaint: boolean;
  readonly reason: HandOverReason;
  /** The CS agent's note or the customer's objection, when the reason has one. */
  readonly note?: string;
}
export type TicketHandedOver = DomainEvent<'TicketHandedOver', TicketHandedOverData>;

export interface AnsweredAtFirstContactData {
  readonly answer: string;
  /**
   * The customer, still on the line, said the answer satisfies them: follow-up records the
   * confirmation in CS's name at once instead of CS calling back. Absent in events written
   * before it existed, which means false (an additive field: the schema version stays 1).
   */
  readonly confirmedOnTheLine?: boolean;
}
export type AnsweredAtFirstContact = DomainEvent<'AnsweredAtFirstContact', AnsweredAtFirstContactData>;

export type IntakeEvent = ContactRecorded | TicketClassified | TicketHandedOver | AnsweredAtFirstContact;

// ---------------------------------------------------------------------------------------------

const contactRecordedSchema = z.object({
  sourceSystem: identifierSchema,
  externalId: z.string().min(1),
  channel: channelSchema,
  platform: identifierSchema.optional(),
  type: ticketTypeSchema,
  customer: customerSchema,
  subject: textSchema,
  description: textSchema,
  suggestedCategory: z.string().min(1).optional(),
  requestedPriority: prioritySchema.optional(),
  contactedAt: isoInstantSchema.optional(),
  customerFingerprint: z.object({ name: z.string().min(1), phone: z.string().min(1).optional(), email: z.string().min(1).optional() }).optional(),
});

const ticketClassifiedSchema = z.object({
  category: categorySchema,
  priority: prioritySchema,
  resolution: resolutionSchema,
  matched: z.object({ category: textSchema, priority: textSchema, resolution: textSchema }),
  rulesVersion: textSchema,
});

const ticketHandedOverSchema = z.object({
  channel: channelSchema,
  platform: identifierSchema.optional(),
  type: ticketTypeSchema,
  category: categorySchema,
  priority: prioritySchema,
  customer: customerSchema,
  subject: textSchema,
  description: textSchema,
  complaint: z.boolean(),
  reason: z.enum(HAND_OVER_REASONS),
  note: textSchema.optional(),
});

const answeredAtFirstContactSchema = z.object({ answer: textSchema, confirmedOnTheLine: z.boolean().optional() });

export const INTAKE_EVENTS: EventRegistry<IntakeEvent> = {
  ContactRecorded: { version: 1, schema: contactRecordedSchema },
  TicketClassified: { version: 1, schema: ticketClassifiedSchema },
  TicketHandedOver: { version: 1, schema: ticketHandedOverSchema },
  AnsweredAtFirstContact: { version: 1, schema: answeredAtFirstContactSchema },
};
