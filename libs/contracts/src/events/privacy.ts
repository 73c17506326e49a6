import { z } from 'zod';
import type { DomainEvent } from '../decider';
import type { EventRegistry } from './common';

/**
 * Confidentiality on the record (DOMAIN.md, "Confidentiality"): every time a person reads a
 * customer's contact details in clear, and every erasure, is an event in the history of the
 * ticket, written by the service that served it to its stream `<service>-privacy-<ticketId>`.
 */

export const READ_PURPOSES = ['handling', 'other_work'] as const;
export type ReadPurpose = (typeof READ_PURPOSES)[number];

export interface CustomerDetailsReadData {
  readonly keyId: string;
  /** `handling`: the reader's own work on the ticket needs them; `other_work`: with a stated reason. */
  readonly purpose: ReadPurpose;
  readonly reason?: string;
  /** The approved access request that opened them (`other_work` reads since approvals). */
  readonly requestId?: string;
}
export type CustomerDetailsRead = DomainEvent<'CustomerDetailsRead', CustomerDetailsReadData>;

/** Why a key was destroyed: the customer asked, or the retention schedule's time came. */
export const ERASURE_BASES = ['request', 'retention'] as const;
export type ErasureBasis = (typeof ERASURE_BASES)[number];

export interface CustomerDataErasedData {
  readonly keyId: string;
  readonly reason: string;
  /** Absent on erasures recorded before retention schedules existed: those were all on request. */
  readonly basis?: ErasureBasis;
}
/** The customer's key was destroyed: their details are unreadable in every event, topic and export. */
export type CustomerDataErased = DomainEvent<'CustomerDataErased', CustomerDataErasedData>;

export interface CustomerDataExportedData {
  /** One export of a data-subject access request; every ticket it covered records the same id. */
  readonly exportId: string;
  /** The customer key whose details went out in clear; absent when they were already erased. */
  readonly keyId?: string;
  readonly reason: string;
}
/**
 * Everything held about the ticket's customer went out in a data-subject export: who, when and
 * why are on the record, never what the file held.
 */
export type CustomerDataExported = DomainEvent<'CustomerDataExported', CustomerDataExportedData>;

export type PrivacyEvent = CustomerDetailsRead | CustomerDataErased | CustomerDataExported;

const keyId = z.string().regex(/^cust_[A-Za-z0-9_-]+$/);

export const PRIVACY_EVENTS: EventRegistry<PrivacyEvent> = {
  CustomerDetailsRead: {
    version: 1,
    schema: z.object({ keyId, purpose: z.enum(READ_PURPOSES), reason: z.string().min(1).optional(), requestId: z.uuid().optional() }),
  },
  CustomerDataErased: { version: 1, schema: z.object({ keyId, reason: z.string().min(1), basis: z.enum(ERASURE_BASES).optional() }) },
  CustomerDataExported: { version: 1, schema: z.object({ exportId: z.uuid(), keyId: keyId.optional(), reason: z.string().min(1) }) },
};

export const privacyStreamId = (service: string, ticketId: string): string => `${service}-privacy-${ticketId}`;
