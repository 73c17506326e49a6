import { DeciderSpecification } from '@handoff/testing';
import { ACCESS_EVENTS, type AccessEvent, type Actor } from '@handoff/contracts';
import { type AccessCommand, accessDecider, clearanceOf, closedBecause, evolve, initialState } from './access.decider';

const NOW = new Date('2026-12-05T09:00:00.000Z');
const REQUEST = '6b0c2a4e-1f3d-4c5b-8a9e-0d1c2b3a4f50';
const KEY = 'cust_abc';

const qa: Actor = { id: 'inspector-1', role: 'qa' };
const billingHandler: Actor = { id: 'billing-wu', role: 'department_handler', department: 'billing' };
const billingManager: Actor = { id: 'billing-manager-qian', role: 'department_manager', department: 'billing' };
const productManager: Actor = { id: 'product-manager-xu', role: 'department_manager', department: 'product' };
const director: Actor = { id: 'director-1', role: 'management' };
const otherDirector: Actor = { id: 'director-2', role: 'management' };

const metadata = (actor: Actor, now = NOW) => ({ now, actor, correlationId: 'corr-1', causationId: 'cause-1' });
const requestAccess = (actor: Actor, purpose = 'quarterly complaint audit'): AccessCommand => ({
  type: 'RequestAccess',
  data: { requestId: REQUEST, keyId: KEY, purpose },
  metadata: metadata(actor),
});
const approve = (actor: Actor, minutes = 30): AccessCommand => ({ type: 'ApproveAccess', data: { requestId: REQUEST, minutes }, metadata: metadata(actor) });
const refuse = (actor: Actor, reason = 'no audit is open'): AccessCommand => ({ type: 'RefuseAccess', data: { requestId: REQUEST, reason }, metadata: metadata(actor) });

const requested = (actor: Actor): AccessEvent => ({
  type: 'CustomerAccessRequested',
  data: {
    requestId: REQUEST,
    keyId: KEY,
    purpose: 'quarterly complaint audit',
    requester: { id: actor.id, role: actor.role, ...(actor.department ? { department: actor.department } : {}) },
  },
});
const approved = (expiresAt = '2026-12-05T09:30:00.000Z'): AccessEvent => ({ type: 'CustomerAccessApproved', data: { requestId: REQUEST, expiresAt } });
const refused: AccessEvent = { type: 'CustomerAccessRefused', data: { requestId: REQUEST, reason: 'no audit is open' } };

const specification = DeciderSpecification.for(accessDecider, ACCESS_EVENTS);
afterAll(() => specification.expectEveryEventEmitted());

describe('asking for access', () => {
  it('records the request with its purpose and who asked', () => {
    specification.given().when(requestAccess(qa)).then([requested(qa)]);
  });

  it('needs a purpose that says why, naming the field', () => {
    specification.given().when(requestAccess(qa, 'because')).thenThrows('VALIDATION_FAILED', 'purpose');
  });

  it('refuses a second request while the first waits or is approved', () => {
    specification.given(requested(qa)).when(requestAccess(qa)).thenThrows('CONFLICT');
    specification.given(requested(qa), approved()).when(requestAccess(qa)).thenThrows('CONFLICT');
  });

  it('lets a person ask again once refused or once the approval ended', () => {
    specification.given(requested(qa), refused).when(requestAccess(qa)).then([requested(qa)]);
    specification.given(requested(qa), approved('2026-12-05T08:59:00.000Z')).when(requestAccess(qa)).then([requested(qa)]);
  });
});

describe('deciding', () => {
  it('management approves anyone’s request for the configured time', () => {
    specification.given(requested(qa)).when(approve(director, 30)).then([approved('2026-12-05T09:30:00.000Z')]);
  });

  it('a department manager approves their own department’s staff, and no one else’s', () => {
    specification.given(requested(billingHandler)).when(approve(billingManager, 15)).then([approved('2026-12-05T09:15:00.000Z')]);
    specification.given(requested(billingHandler)).when(approve(productManager)).thenThrows('FORBIDDEN');
    specification.given(requested(qa)).when(approve(billingManager)).thenThrows('FORBIDDEN');
  });

  it('nobody approves or refuses their own request', () => {
    const error = specification.given(requested(director)).when(approve(director)).thenThrows('FORBIDDEN');
    expect(error.message).toBe('nobody approves or refuses their own access request');
    specification.given(requested(director)).when(refuse(director)).thenThrows('FORBIDDEN');
    specification.given(requested(director)).when(approve(otherDirector)).then([approved()]);
  });

  it('refuses with a reason, which is required', () => {
    specification.given(requested(qa)).when(refuse(director)).then([refused]);
    specification.given(requested(qa)).when(refuse(director, '  ')).thenThrows('VALIDATION_FAILED', 'reason');
  });

  it('decides a request once, and only one that exists', () => {
    specification.given(requested(qa), refused).when(approve(director)).thenThrows('CONFLICT');
    specification.given(requested(qa), approved()).when(refuse(director)).thenThrows('CONFLICT');
    specification.given().when(approve(director)).thenThrows('NOT_FOUND');
  });
});

describe('what opens the details', () => {
  const fold = (...events: AccessEvent[]) => events.reduce(evolve, initialState);

  it('an approval, until it ends', () => {
    const state = fold(requested(qa), approved());
    expect(clearanceOf(state, qa.id, NOW)).toMatchObject({ kind: 'approved', request: { requestId: REQUEST } });
    expect(clearanceOf(state, qa.id, new Date('2026-12-05T09:30:00.000Z')).kind).toBe('expired');
    expect(clearanceOf(state, director.id, NOW).kind).toBe('none');
  });

  it('says why the details stay closed', () => {
    expect(closedBecause(clearanceOf(fold(), qa.id, NOW))).toMatch(/needs an approved access request/);
    expect(closedBecause(clearanceOf(fold(requested(qa)), qa.id, NOW))).toMatch(/waiting for a decision/);
    expect(closedBecause(clearanceOf(fold(requested(qa), refused), qa.id, NOW))).toMatch(/was refused: no audit is open/);
    expect(closedBecause(clearanceOf(fold(requested(qa), approved()), qa.id, new Date('2026-12-05T10:00:00.000Z')))).toMatch(
      /your approval ended at 2026-12-05T09:30:00.000Z/,
    );
  });
});
