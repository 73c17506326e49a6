import { z } from 'zod';
import type { DomainEvent } from '../decider';
import { uuidV5 } from '../ids';
import { storableString } from '../storable-text';
import { type EventRegistry, channelSchema, identifierSchema, isoInstantSchema, textSchema } from './common';
import { ATTACHMENT_CONTENT_TYPES, type AttachmentContentType } from '../api/conversation';
import { RECORD_PARTS, SAMPLING_CADENCES, SAMPLING_METHODS, SAMPLING_RULES, type RecordPart, type SampleDrawnData, type Team } from '../api/quality';

/**
 * Evaluation's own workflow (DOMAIN.md, "Quality inspection" and "Evaluation"): quality samples,
 * inspections with their corrective actions, and the people's assessments. Topic `evaluation.events`.
 *
 * Streams:
 * - `evaluation-sample-<sampleId>`: one draw. Not about one ticket: the envelope's `ticketId` is the sample id.
 * - `evaluation-inspection-<ticketId>`: the inspections of one service record (a ticket) and the
 *   corrective actions they required; the envelope's `ticketId` is the ticket's, so an audit of the
 *   ticket shows its inspections too.
 * - `evaluation-assessment-<assessmentId>`: one person's assessment for one period. Not about one
 *   ticket: the envelope's `ticketId` is the assessment id (see `assessmentIdOf`).
 *
 * No event here carries a customer's details in clear: an attachment's name is sealed with the
 * customer's key, and its bytes are kept sealed apart from the event.
 */

export const EVALUATION_STREAM_PREFIXES = {
  sample: 'evaluation-sample-',
  inspection: 'evaluation-inspection-',
  assessment: 'evaluation-assessment-',
  conversation: 'evaluation-conversation-',
} as const;

export const sampleStreamId = (sampleId: string): string => EVALUATION_STREAM_PREFIXES.sample + sampleId;
export const inspectionStreamId = (ticketId: string): string => EVALUATION_STREAM_PREFIXES.inspection + ticketId;
export const assessmentStreamId = (assessmentId: string): string => EVALUATION_STREAM_PREFIXES.assessment + assessmentId;
export const conversationStreamId = (ticketId: string): string => EVALUATION_STREAM_PREFIXES.conversation + ticketId;

const ASSESSMENT_NAMESPACE = '0b7f4f0e-3c55-4d8e-9a1b-5e2f6c7d8a90';

/** One person's assessment for one period has one stream, whoever writes to it first. */
export const assessmentIdOf = (personId: string, period: string): string => uuidV5(`${personId}\u0000${period}`, ASSESSMENT_NAMESPACE);

export {
  SAMPLING_CADENCES,
  SAMPLING_METHODS,
  SAMPLING_RULES,
  type ChannelAllocation,
  type SampleDrawnData,
  type SamplingCadence,
  type SamplingMethod,
  type SamplingPolicyApplied,
  type SamplingRule,
  type Team,
} from '../api/quality';
export type SampleDrawn = DomainEvent<'SampleDrawn', SampleDrawnData>;

export { RECORD_PARTS, type RecordPart } from '../api/quality';

/** An inspector scored one sampled service record against the rubric in force. */
export interface RecordInspectedData {
  readonly sampleId: string;
  readonly team: Team;
  readonly rubricVersion: string;
  /** Criterion → points, each 0 to the criterion's maximum. */
  readonly scores: Readonly<Record<string, number>>;
  /** The weighted total, 0 to 100. */
  readonly total: number;
  /** The rubric's pass mark: a total below it requires a corrective action. */
  readonly passMark: number;
  readonly correctiveActionRequired: boolean;
  /** The parts of the record missing when it was inspected. */
  readonly missing: readonly RecordPart[];
  readonly note?: string;
}
export type RecordInspected = DomainEvent<'RecordInspected', RecordInspectedData>;

export interface CorrectiveActionRequiredData {
  readonly actionId: string;
  readonly sampleId: string;
  readonly team: Team;
  /** Who must act: the agents or handlers who did the work on the record. */
  readonly assignees: readonly string[];
  readonly description: string;
  readonly dueAt?: string;
}
export type CorrectiveActionRequired = DomainEvent<'CorrectiveActionRequired', CorrectiveActionRequiredData>;

export interface CorrectiveActionCompletedData {
  readonly actionId: string;
  readonly note: string;
}
export type CorrectiveActionCompleted = DomainEvent<'CorrectiveActionCompleted', CorrectiveActionCompletedData>;

/**
 * QA checked a completed corrective action: effective (done with), or not (open again, with why).
 * The inspector is the event's actor.
 */
export interface CorrectiveActionVerifiedData {
  readonly actionId: string;
  readonly effective: boolean;
  readonly note?: string;
}
export type CorrectiveActionVerified = DomainEvent<'CorrectiveActionVerified', CorrectiveActionVerifiedData>;

/** A person's own score of their work in a period, 0 to 100. The person is the event's actor. */
export interface SelfEvaluationSubmittedData {
  readonly personId: string;
  readonly team: Team;
  readonly period: string;
  readonly score: number;
  readonly comment?: string;
}
export type SelfEvaluationSubmitted = DomainEvent<'SelfEvaluationSubmitted', SelfEvaluationSubmittedData>;

/** The supervisor's score of a person's work in a period, 0 to 100. The supervisor is the event's actor. */
export interface SupervisorEvaluationSubmittedData {
  readonly personId: string;
  readonly team: Team;
  readonly period: string;
  readonly score: number;
  readonly comment?: string;
}
export type SupervisorEvaluationSubmitted = DomainEvent<'SupervisorEvaluationSubmitted', SupervisorEvaluationSubmittedData>;

/** Whom a note is addressed to, besides everyone who reads the ticket: they are notified. */
export interface NoteMentions {
  readonly people: readonly string[];
  readonly departments: readonly string[];
}

/**
 * An internal note on a ticket's conversation (`evaluation-conversation-<ticketId>`): written by
 * anyone who may act on the ticket, read by everyone who may read it, never shown to the customer.
 */
export interface NoteAddedData {
  readonly noteId: string;
  readonly text: string;
  readonly mentions: NoteMentions;
}
export type NoteAdded = DomainEvent<'NoteAdded', NoteAddedData>;

/**
 * A file added to a ticket's conversation (`evaluation-conversation-<ticketId>`), on one of its
 * entries (the contact, a note, a progress update, a result: by that entry's event id) or on the
 * ticket as a whole. The bytes are not in the event: evaluation keeps them sealed with the
 * customer's key under `contentHash`, so erasing the customer makes them, and the file's name
 * (sealed too, as it may name the customer), unreadable everywhere at once.
 */
export interface AttachmentAddedData {
  /** HMAC-SHA-256 of the bytes under a key derived from the customer's key (hex). */
  readonly contentHash: string;
  /** The customer key the bytes and the name are sealed with. */
  readonly keyId: string;
  /** The file's name, sealed (`v1.<iv>.<ciphertext>.<tag>`). */
  readonly fileName: string;
  /** Detected from the bytes. */
  readonly contentType: AttachmentContentType;
  readonly size: number;
  readonly entryId: string | null;
}
export type AttachmentAdded = DomainEvent<'AttachmentAdded', AttachmentAddedData>;

/**
 * Someone follows a ticket without holding it (`evaluation-conversation-<ticketId>`): they are told of
 * its changes that matter to a person from the event's time on. The watcher is the event's actor,
 * named in the data too so a reader of the stream needs no envelope to know whose watch it is.
 */
export interface TicketWatchedData {
  readonly watcherId: string;
}
export type TicketWatched = DomainEvent<'TicketWatched', TicketWatchedData>;

/** The watcher stopped following the ticket: nothing after this tells them. */
export interface TicketUnwatchedData {
  readonly watcherId: string;
}
export type TicketUnwatched = DomainEvent<'TicketUnwatched', TicketUnwatchedData>;

export type EvaluationEvent =
  | NoteAdded
  | AttachmentAdded
  | TicketWatched
  | TicketUnwatched
  | SampleDrawn
  | RecordInspected
  | CorrectiveActionRequired
  | CorrectiveActionCompleted
  | CorrectiveActionVerified
  | SelfEvaluationSubmitted
  | SupervisorEvaluationSubmitted;

// ---------------------------------------------------------------------------------------------

/** `2025-W10` (ISO week) or `2025-03` (month). */
export const periodSchema = storableString().regex(/^\d{4}-(W(0[1-9]|[1-4]\d|5[0-3])|(0[1-9]|1[0-2]))$/, 'must be a week (2025-W10) or a month (2025-03)');
const scoreSchema = z.number().min(0).max(100);
const uuidSchema = z.uuid();

export const EVALUATION_EVENTS: EventRegistry<EvaluationEvent> = {
  NoteAdded: {
    version: 1,
    schema: z.object({
      noteId: uuidSchema,
      text: textSchema,
      mentions: z.object({ people: z.array(identifierSchema), departments: z.array(identifierSchema) }),
    }),
  },
  AttachmentAdded: {
    version: 1,
    schema: z.object({
      contentHash: z.string().regex(/^[0-9a-f]{64}$/),
      keyId: z.string().regex(/^cust_[A-Za-z0-9_-]+$/),
      fileName: z.string().regex(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/, 'must be a sealed file name'),
      contentType: z.enum(ATTACHMENT_CONTENT_TYPES),
      size: z.number().int().positive(),
      entryId: uuidSchema.nullable(),
    }),
  },
  TicketWatched: {
    version: 1,
    schema: z.object({ watcherId: z.string().min(1) }),
  },
  TicketUnwatched: {
    version: 1,
    schema: z.object({ watcherId: z.string().min(1) }),
  },
  SampleDrawn: {
    version: 1,
    schema: z.object({
      sampleId: uuidSchema,
      team: identifierSchema,
      period: periodSchema,
      policy: z.object({
        version: textSchema,
        rule: z.enum(SAMPLING_RULES),
        cadence: z.enum(SAMPLING_CADENCES),
        rate: z.number().gt(0).max(1),
      }),
      seed: z.number().int().min(0).max(0xffffffff),
      populationSize: z.number().int().positive(),
      populationDigest: z.string().regex(/^[0-9a-f]{64}$/),
      targetSize: z.number().int().positive(),
      size: z.number().int().positive(),
      ticketIds: z.array(z.string().min(1)).min(1),
      agents: z.array(z.string().min(1)),
      channels: z.array(channelSchema),
      method: z.enum(SAMPLING_METHODS).optional(),
      sampledAgents: z.array(z.string().min(1)).optional(),
      sampledChannels: z.array(channelSchema).optional(),
      allocation: z
        .array(z.object({ channel: channelSchema.nullable(), population: z.number().int().positive(), sampled: z.number().int().nonnegative() }))
        .optional(),
      previousSampleIds: z.array(uuidSchema).optional(),
      previouslySampledAgents: z.array(z.string().min(1)).optional(),
    }),
  },
  RecordInspected: {
    version: 1,
    schema: z.object({
      sampleId: uuidSchema,
      team: identifierSchema,
      rubricVersion: textSchema,
      scores: z.record(identifierSchema, z.number().min(0)),
      total: scoreSchema,
      passMark: scoreSchema,
      correctiveActionRequired: z.boolean(),
      missing: z.array(z.enum(RECORD_PARTS)),
      note: textSchema.optional(),
    }),
  },
  CorrectiveActionRequired: {
    version: 1,
    schema: z.object({
      actionId: uuidSchema,
      sampleId: uuidSchema,
      team: identifierSchema,
      assignees: z.array(z.string().min(1)),
      description: textSchema,
      dueAt: isoInstantSchema.optional(),
    }),
  },
  CorrectiveActionCompleted: {
    version: 1,
    schema: z.object({ actionId: uuidSchema, note: textSchema }),
  },
  CorrectiveActionVerified: {
    version: 1,
    schema: z.object({ actionId: uuidSchema, effective: z.boolean(), note: textSchema.optional() }),
  },
  SelfEvaluationSubmitted: {
    version: 1,
    schema: z.object({ personId: z.string().min(1), team: identifierSchema, period: periodSchema, score: scoreSchema, comment: textSchema.optional() }),
  },
  SupervisorEvaluationSubmitted: {
    version: 1,
    schema: z.object({ personId: z.string().min(1), team: identifierSchema, period: periodSchema, score: scoreSchema, comment: textSchema.optional() }),
  },
};
