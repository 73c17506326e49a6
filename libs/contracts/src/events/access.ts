import { z } from 'zod';
import type { DomainEvent } from '../decider';
import { ROLES, type Role } from '../envelope';
import type { EventRegistry } from './common';

/**
 * Approval to read a customer's contact details for work that does not need them by itself
 * (DOMAIN.md, "Confidentiality"; the regulation: 如因工作需要查阅客户信息，应经过相关部门和领导批准，
 * 并在规定的范围内使用). A person asks with a purpose; the department manager of their department,
 * or management, approves for a limited time or refuses; nobody decides their own request. Intake,
 * which owns the contact, keeps every request of a ticket on `intake-access-<ticketId>`.
 */

export interface AccessRequester {
  readonly id: string;
  readonly role: Role;
  readonly department?: string;
}

export interface CustomerAccessRequestedData {
  readonly requestId: string;
  readonly keyId: string;
  /** Why the requester's work needs the details: the approver reads it, the history keeps it. */
  readonly purpose: string;
  /** In the data, not only the envelope: the decision about who may approve folds it into state. */
  readonly requester: AccessRequester;
}
export type CustomerAccessRequested = DomainEvent<'CustomerAccessRequested', CustomerAccessRequestedData>;

export interface CustomerAccessApprovedData {
  readonly requestId: string;
  /** The approval opens the details until then, and not after. */
  readonly expiresAt: string;
}
export type CustomerAccessApproved = DomainEvent<'CustomerAccessApproved', CustomerAccessApprovedData>;

export interface CustomerAccessRefusedData {
  readonly requestId: string;
  readonly reason: string;
}
export type CustomerAccessRefused = DomainEvent<'CustomerAccessRefused', CustomerAccessRefusedData>;

export type AccessEvent = CustomerAccessRequested | CustomerAccessApproved | CustomerAccessRefused;

const keyId = z.string().regex(/^cust_[A-Za-z0-9_-]+$/);
const requestId = z.uuid();

export const ACCESS_EVENTS: EventRegistry<AccessEvent> = {
  CustomerAccessRequested: {
    version: 1,
    schema: z.object({
      requestId,
      keyId,
      purpose: z.string().min(1),
      requester: z.object({ id: z.string().min(1), role: z.enum(ROLES), department: z.string().min(1).optional() }),
    }),
  },
  CustomerAccessApproved: { version: 1, schema: z.object({ requestId, expiresAt: z.iso.datetime() }) },
  CustomerAccessRefused: { version: 1, schema: z.object({ requestId, reason: z.string().min(1) }) },
};

export const accessStreamId = (ticketId: string): string => `intake-access-${ticketId}`;
