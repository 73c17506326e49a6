import {
  DomainError,
  ValidationFailed,
  type AccessEvent,
  type AccessRequester,
  type Actor,
  type Command,
  type Decider,
} from '@handoff/contracts';

/**
 * Approvals to read one ticket's customer details for other work. The regulation asks for the
 * approval of "the relevant department and leader": a department manager decides for the staff of
 * their own department, management for anyone; nobody decides their own request, and an approval
 * lasts a set time so that a purpose once approved does not open the details for good.
 */

export type AccessRequestStatus = 'pending' | 'approved' | 'refused';

export interface AccessRequest {
  readonly requestId: string;
  readonly keyId: string;
  readonly purpose: string;
  readonly requester: AccessRequester;
  readonly status: AccessRequestStatus;
  readonly expiresAt?: string;
  readonly refusal?: string;
}

export interface AccessState {
  /** In the order asked. */
  readonly requests: readonly AccessRequest[];
}

export const initialState: AccessState = { requests: [] };

export type RequestAccess = Command<'RequestAccess', { readonly requestId: string; readonly keyId: string; readonly purpose: string }>;
export type ApproveAccess = Command<'ApproveAccess', { readonly requestId: string; readonly minutes: number }>;
export type RefuseAccess = Command<'RefuseAccess', { readonly requestId: string; readonly reason: string }>;
export type AccessCommand = RequestAccess | ApproveAccess | RefuseAccess;

export const MIN_PURPOSE_LENGTH = 10;

export function decide(command: AccessCommand, state: AccessState): readonly AccessEvent[] {
  const { actor, now } = command.metadata;
  switch (command.type) {
    case 'RequestAccess': {
      const purpose = command.data.purpose.trim();
      if (purpose.length < MIN_PURPOSE_LENGTH) {
        throw invalid('purpose', `must say why your work needs the details, in ${MIN_PURPOSE_LENGTH} characters or more`);
      }
      const open = state.requests.find((request) => request.requester.id === actor.id && (request.status === 'pending' || isLive(request, now)));
      if (open) {
        throw new DomainError('CONFLICT', `you already have an access request ${open.status === 'pending' ? 'waiting for a decision' : 'approved'} on this ticket (${open.requestId})`, {
          requestId: open.requestId,
        });
      }
      return [{ type: 'CustomerAccessRequested', data: { requestId: command.data.requestId, keyId: command.data.keyId, purpose, requester: requesterOf(actor) } }];
    }
    case 'ApproveAccess': {
      const request = decidable(state, command.data.requestId, actor);
      const expiresAt = new Date(now.getTime() + command.data.minutes * 60_000).toISOString();
      return [{ type: 'CustomerAccessApproved', data: { requestId: request.requestId, expiresAt } }];
    }
    case 'RefuseAccess': {
      const reason = command.data.reason.trim();
      if (!reason) throw invalid('reason', 'must say why the request is refused');
      const request = decidable(state, command.data.requestId, actor);
      return [{ type: 'CustomerAccessRefused', data: { requestId: request.requestId, reason } }];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export function evolve(state: AccessState, event: AccessEvent): AccessState {
  switch (event.type) {
    case 'CustomerAccessRequested':
      return { requests: [...state.requests, { ...event.data, status: 'pending' }] };
    case 'CustomerAccessApproved':
      return update(state, event.data.requestId, { status: 'approved', expiresAt: event.data.expiresAt });
    case 'CustomerAccessRefused':
      return update(state, event.data.requestId, { status: 'refused', refusal: event.data.reason });
    default: {
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
}

export const accessDecider: Decider<AccessCommand, AccessEvent, AccessState> = { initialState, decide, evolve };

/** Whether `approver` may decide requests of `requester` at all (the list of pending requests shows only these). */
export function mayDecide(approver: Actor, requester: AccessRequester): boolean {
  if (approver.id === requester.id) return false;
  if (approver.role === 'management') return true;
  return approver.role === 'department_manager' && approver.department !== undefined && approver.department === requester.department;
}

function isLive(request: AccessRequest, now: Date): boolean {
  return request.status === 'approved' && request.expiresAt !== undefined && Date.parse(request.expiresAt) > now.getTime();
}

/**
 * What opens the details for `actor` now, or why nothing does: the newest of their requests
 * decides, so that a refusal or an expiry is named rather than a bare "forbidden".
 */
export type Clearance =
  | { readonly kind: 'approved'; readonly request: AccessRequest }
  | { readonly kind: 'none' | 'pending' | 'refused' | 'expired'; readonly request?: AccessRequest };

export function clearanceOf(state: AccessState, actorId: string, now: Date): Clearance {
  const own = state.requests.filter((request) => request.requester.id === actorId);
  const live = own.find((request) => isLive(request, now));
  if (live) return { kind: 'approved', request: live };
  const newest = own.at(-1);
  if (!newest) return { kind: 'none' };
  return { kind: newest.status === 'approved' ? 'expired' : newest.status, request: newest };
}

/** The sentence a refused read answers with (403): why the details stay closed to this person. */
export function closedBecause(clearance: Clearance): string {
  const howToAsk = 'ask for access with a purpose (POST /v1/tickets/{ticketId}/access-requests) and wait for your department manager or management to approve it';
  switch (clearance.kind) {
    case 'none':
      return `reading a customer's contact details for other work needs an approved access request: ${howToAsk}`;
    case 'pending':
      return `your access request ${clearance.request!.requestId} is waiting for a decision by your department manager or management`;
    case 'refused':
      return `your access request ${clearance.request!.requestId} was refused: ${clearance.request!.refusal}; ${howToAsk.replace('ask', 'ask again')}`;
    case 'expired':
      return `your approval ended at ${clearance.request!.expiresAt}; ${howToAsk.replace('ask', 'ask again')}`;
    case 'approved':
      return 'approved';
    default: {
      const unknown: never = clearance;
      return unknown;
    }
  }
}

function decidable(state: AccessState, requestId: string, approver: Actor): AccessRequest {
  const request = state.requests.find((found) => found.requestId === requestId);
  if (!request) throw new DomainError('NOT_FOUND', `no access request ${requestId} on this ticket`);
  if (request.requester.id === approver.id) throw new DomainError('FORBIDDEN', 'nobody approves or refuses their own access request');
  if (!mayDecide(approver, request.requester)) {
    throw new DomainError(
      'FORBIDDEN',
      request.requester.department
        ? `only a manager of ${request.requester.department} or management decides this request`
        : 'only management decides this request',
    );
  }
  if (request.status !== 'pending') throw new DomainError('CONFLICT', `access request ${requestId} was already ${request.status}`);
  return request;
}

function update(state: AccessState, requestId: string, change: Partial<AccessRequest>): AccessState {
  return { requests: state.requests.map((request) => (request.requestId === requestId ? { ...request, ...change } : request)) };
}

function requesterOf(actor: Actor): AccessRequester {
  return { id: actor.id, role: actor.role, ...(actor.department ? { department: actor.department } : {}) };
}

function invalid(field: string, message: string): ValidationFailed {
  return new ValidationFailed([{ field, message }]);
}
