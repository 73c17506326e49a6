import { sealedCustomer } from '@handoff/testing';
import { EVENT_CONTRACTS, type HandoffEvent } from '@handoff/contracts';
import { summarise } from './summary';

const deadlines = {
  from: '2025-03-03T01:00:00.000Z',
  firstResponseDueAt: '2025-03-03T01:30:00.000Z',
  resolutionDueAt: '2025-03-04T01:00:00.000Z',
  policyVersion: 'v1',
};
const SAMPLE = '3f0e9a36-5c1d-4b7e-9a42-0c6d2b1e8f70';
const customer = sealedCustomer({ customerId: 'c-9', name: 'Wang Fang', phone: '13800138000', email: 'wang@example.cn' });

const cases: [HandoffEvent, string][] = [
  [
    {
      type: 'ContactRecorded',
      data: {
        sourceSystem: 'wechat-bridge',
        externalId: 'm-1',
        channel: 'social_media',
        platform: 'wechat',
        type: 'complaint',
        customer,
        subject: 'Charged twice',
        description: 'I was charged twice.',
      },
    },
    'a complaint received via social media (wechat)',
  ],
  [
    {
      type: 'ContactRecorded',
      data: { sourceSystem: 'pbx', externalId: 'c-1', channel: 'hotline', type: 'information', customer, subject: 's', description: 'd' },
    },
    'an information received via hotline',
  ],
  [
    {
      type: 'TicketClassified',
      data: { category: 'billing', priority: 'high', resolution: 'department', matched: { category: 'a', priority: 'b', resolution: 'c' }, rulesVersion: 'v1' },
    },
    'classified as billing, priority high, for a department',
  ],
  [
    {
      type: 'TicketClassified',
      data: { category: 'opening_hours', priority: 'low', resolution: 'first_contact', matched: { category: 'a', priority: 'b', resolution: 'c' }, rulesVersion: 'v1' },
    },
    'classified as opening_hours, priority low, for CS to answer at first contact',
  ],
  [
    {
      type: 'TicketHandedOver',
      data: {
        channel: 'social_media',
        type: 'complaint',
        category: 'billing',
        priority: 'high',
        customer,
        subject: 's',
        description: 'd',
        complaint: true,
        reason: 'classified_for_department',
      },
    },
    'handed over to a department; a complaint, so management too',
  ],
  [
    {
      type: 'TicketHandedOver',
      data: {
        channel: 'hotline',
        type: 'consultation',
        category: 'general',
        priority: 'normal',
        customer,
        subject: 's',
        description: 'd',
        complaint: false,
        reason: 'customer_objected',
        note: 'It was closed.',
      },
    },
    'handed over to a department after the customer objected to the first-contact answer',
  ],
  [{ type: 'AnsweredAtFirstContact', data: { answer: 'Saturdays.' } }, 'answered by CS at first contact'],
  [
    {
      type: 'TicketRouted',
      data: {
        department: 'billing',
        rule: 'billing-by-category',
        reason: 'category billing',
        round: 1,
        type: 'complaint',
        category: 'billing',
        priority: 'high',
        channel: 'social_media',
        complaint: true,
        deadlines,
      },
    },
    'routed to billing by rule billing-by-category (round 1)',
  ],
  [{ type: 'ManagementInvolved', data: { reason: 'deadline_escalation' } }, 'management involved: deadline escalation'],
  [{ type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-1', method: 'claim', reason: 'claimed' } }, 'claimed by h-1'],
  [
    { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-2', method: 'least_loaded', reason: 'r' } },
    'assigned in billing to h-2 (least loaded)',
  ],
  [
    { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-2', method: 'manager', reason: 'r', previousHandlerId: 'h-1' } },
    'reassigned in billing from h-1 to h-2 (manager)',
  ],
  [
    { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'parcel' } },
    'transfer from billing to logistics requested',
  ],
  [
    { type: 'TransferAccepted', data: { fromDepartment: 'billing', toDepartment: 'logistics', previousHandlerId: 'h-1' } },
    'passed from billing to logistics',
  ],
  [
    { type: 'TransferRefused', data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'not ours' } },
    'logistics refused the transfer from billing',
  ],
  [
    { type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'plan', firstResponse: true } },
    'first response (handling plan) by billing (round 1)',
  ],
  [{ type: 'ProgressReported', data: { round: 2, department: 'billing', note: 'n', firstResponse: false } }, 'progress reported by billing (round 2)'],
  [
    { type: 'ProgressReported', data: { round: 2, department: 'billing', note: 'n', firstResponse: false, onBehalfOf: 'h-1' } },
    'progress reported by billing (round 2), for h-1',
  ],
  [
    { type: 'ResultReported', data: { round: 1, department: 'billing', handlerId: 'h-1', summary: 's', complaint: false, onBehalfOf: 'h-1' } },
    'result reported for h-1 of billing (round 1)',
  ],
  [
    { type: 'ResultReported', data: { round: 1, department: 'billing', handlerId: 'h-1', summary: 's', complaint: false } },
    'result reported by h-1 of billing (round 1)',
  ],
  [
    {
      type: 'ResultReported',
      data: { round: 2, department: 'billing', handlerId: 'h-1', summary: 's', complaint: true, apology: 'Sorry.', correctiveAction: 'Daily checks.' },
    },
    'result reported by h-1 of billing (round 2), with an apology and a corrective action',
  ],
  [
    { type: 'TicketReopened', data: { round: 2, department: 'billing', handlerId: 'h-1', objection: 'no', deadlines } },
    'reopened for round 2 with billing',
  ],
  [
    { type: 'TicketReopened', data: { round: 4, department: 'logistics', previousDepartment: 'billing', objection: 'no', deadlines } },
    'reopened for round 4, moved from billing to logistics',
  ],
  [
    { type: 'DeadlineApproaching', data: { deadline: 'first_response', round: 1, department: 'billing', dueAt: deadlines.firstResponseDueAt, handlerId: 'h-ana' } },
    `first-response deadline of billing due at ${deadlines.firstResponseDueAt}: warned (round 1)`,
  ],
  [
    { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'billing', dueAt: deadlines.firstResponseDueAt } },
    'first-response deadline missed by billing (round 1)',
  ],
  [
    { type: 'DeadlineBreached', data: { deadline: 'resolution', round: 2, department: 'billing', dueAt: deadlines.resolutionDueAt } },
    'resolution deadline missed by billing (round 2)',
  ],
  [
    {
      type: 'TicketEscalated',
      data: { level: 'department_manager', trigger: 'first_response_overdue', round: 1, department: 'billing', reason: 'late' },
    },
    'escalated to the billing manager: first response overdue (billing, round 1)',
  ],
  [
    {
      type: 'TicketEscalated',
      data: { level: 'department_manager', trigger: 'resolution_overdue', round: 1, department: 'logistics', reason: 'late', subRequestId: 's1' },
    },
    'sub-request s1: escalated to the logistics manager: resolution overdue (logistics, round 1)',
  ],
  [
    { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'logistics', dueAt: deadlines.firstResponseDueAt, subRequestId: 's1' } },
    'sub-request s1: first-response deadline missed by logistics (round 1)',
  ],
  [
    { type: 'TicketEscalated', data: { level: 'management', trigger: 'rounds_exhausted', round: 3, department: 'billing', reason: 'cap' } },
    'escalated to management: rounds exhausted (billing, round 3)',
  ],
  [{ type: 'HandlingClosed', data: { outcome: 'satisfied', round: 2 } }, 'department handling closed (round 2)'],
  [
    {
      type: 'ResolutionClockPaused',
      data: { round: 1, department: 'billing', reason: 'waiting_on_customer', handlerId: 'h-1', pausedAt: deadlines.from, resolutionDueAt: deadlines.resolutionDueAt, resumeBy: deadlines.resolutionDueAt },
    },
    `resolution clock of billing paused: waiting on customer, resumes by ${deadlines.resolutionDueAt} at the latest (round 1)`,
  ],
  [
    {
      type: 'ResolutionClockResumed',
      data: { round: 1, department: 'billing', trigger: 'limit', reason: 'waiting_on_third_party', pausedAt: deadlines.from, resumedAt: deadlines.resolutionDueAt, pausedMinutes: 90.4, deadlines },
    },
    `resolution clock of billing resumed at the maximum pause after 90 min; due at ${deadlines.resolutionDueAt} (round 1)`,
  ],
  [
    {
      type: 'PriorityChanged',
      data: { round: 1, department: 'billing', previousPriority: 'normal', priority: 'urgent', reason: 'r', previousDeadlines: deadlines, deadlines },
    },
    `priority changed from normal to urgent; resolution due at ${deadlines.resolutionDueAt} (billing, round 1)`,
  ],
  [
    {
      type: 'SubRequestOpened',
      data: { subRequestId: 's1', round: 1, department: 'logistics', leadDepartment: 'billing', reason: 'r', deadlines, onBehalfOf: 'h-1' },
    },
    'billing asks logistics for a part of the answer (sub-request, round 1), for h-1',
  ],
  [
    { type: 'SubRequestAssigned', data: { subRequestId: 's1', department: 'logistics', handlerId: 'h-2', method: 'claim', reason: 'r' } },
    'sub-request of logistics claimed by h-2',
  ],
  [
    { type: 'SubRequestProgressReported', data: { subRequestId: 's1', round: 1, department: 'logistics', note: 'n', firstResponse: true } },
    'first response on the sub-request by logistics (round 1)',
  ],
  [
    { type: 'SubRequestAnswered', data: { subRequestId: 's1', round: 1, department: 'logistics', handlerId: 'h-2', summary: 'Charged twice' } },
    'sub-request answered by h-2 of logistics (round 1)',
  ],
  [
    { type: 'SubRequestClosed', data: { subRequestId: 's2', round: 1, department: 'product', reason: 'It was closed' } },
    'sub-request of product closed by management without an answer (round 1)',
  ],
  [
    { type: 'TicketTakenOver', data: { department: 'billing', round: 1, holderId: 'director-1', reason: 'r', previousHandlerId: 'h-1' } },
    'taken over by director-1 of management from h-1 (billing, round 1)',
  ],
  [
    { type: 'UpdateRequested', data: { requestId: 'q1', round: 1, department: 'billing', requestedBy: 'director-1', handlerId: 'h-1', message: 'm' } },
    'director-1 of management asks h-1 for an update (billing, round 1)',
  ],
  [
    { type: 'CustomerAnswered', data: { round: 1, department: 'billing', recordedBy: 'agent-1', handlerId: 'h-1', answer: 'the March statement' } },
    "the customer's answer recorded by agent-1 for h-1 (billing, round 1)",
  ],
  [
    { type: 'HandlerReleased', data: { department: 'billing', round: 1, previousHandlerId: 'h-1', reason: 'away' } },
    "back in billing's queue: h-1 is away and nobody was free (round 1)",
  ],
  [{ type: 'HandlerMarkedAway', data: { department: 'billing', handlerId: 'h-1', until: '2025-03-04T09:00:00.000Z' } }, 'h-1 of billing away until 2025-03-04T09:00:00.000Z'],
  [{ type: 'HandlerBack', data: { department: 'billing', handlerId: 'h-1' } }, 'h-1 of billing back at work'],
  [
    { type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'n', firstResponse: false, answersUpdateRequest: { requestId: 'q1', requestedBy: 'director-1' } } },
    "progress reported by billing (round 1), answering director-1's request for an update",
  ],
  [
    { type: 'ConfirmationRequested', data: { round: 1, resolvedBy: 'department', department: 'billing', resultSummary: 's' } },
    'CS asks the customer to confirm the billing result (round 1)',
  ],
  [
    { type: 'ConfirmationRequested', data: { round: 0, resolvedBy: 'first_contact', resultSummary: 's' } },
    'CS asks the customer to confirm the first-contact answer',
  ],
  [{ type: 'CustomerConfirmedSatisfaction', data: { round: 2 } }, 'customer satisfied (round 2)'],
  [{ type: 'CustomerConfirmedSatisfaction', data: { round: 0 } }, 'customer satisfied with the first-contact answer'],
  [
    { type: 'CustomerObjected', data: { round: 2, resolvedBy: 'department', department: 'billing', objection: 'no' } },
    'customer not satisfied (round 2)',
  ],
  [
    { type: 'CustomerObjected', data: { round: 0, resolvedBy: 'first_contact', objection: 'no' } },
    'customer not satisfied with the first-contact answer',
  ],
  [
    { type: 'TicketHandedToManagement', data: { round: 3, department: 'billing', objection: 'no', maxRounds: 3 } },
    'customer not satisfied after 3 of 3 rounds: handed to management',
  ],
  [{ type: 'ContactAttemptFailed', data: { round: 1, attempt: 2 } }, 'customer not reached (attempt 2, round 1)'],
  [{ type: 'ContactAttemptFailed', data: { round: 0, attempt: 1, note: 'voicemail' } }, 'customer not reached (attempt 1)'],
  [{ type: 'TicketClosed', data: { outcome: 'satisfied', round: 2 } }, 'closed: customer satisfied (round 2)'],
  [{ type: 'TicketClosed', data: { outcome: 'unconfirmed_unreachable', round: 1 } }, 'closed unconfirmed: customer could not be reached (round 1)'],
  [{ type: 'CustomerDetailsRead', data: { keyId: 'cust_a', purpose: 'handling' } }, 'customer contact details read for handling the ticket'],
  [
    { type: 'CustomerDetailsRead', data: { keyId: 'cust_a', purpose: 'other_work', reason: 'quarterly complaint audit' } },
    'customer contact details read for other work: quarterly complaint audit',
  ],
  [{ type: 'CustomerDataErased', data: { keyId: 'cust_a', reason: 'customer asked to be forgotten' } }, 'customer contact details erased on request: customer asked to be forgotten'],
  [
    { type: 'CustomerDetailsRead', data: { keyId: 'cust_a', purpose: 'other_work', reason: 'callback survey', requestId: SAMPLE } },
    `customer contact details read for other work: callback survey (approved request ${SAMPLE})`,
  ],
  [
    {
      type: 'CustomerAccessRequested',
      data: { requestId: SAMPLE, keyId: 'cust_a', purpose: 'quarterly complaint audit', requester: { id: 'qa-zhou', role: 'qa' } },
    },
    "access to the customer's contact details requested by qa-zhou (qa): quarterly complaint audit",
  ],
  [
    { type: 'CustomerAccessApproved', data: { requestId: SAMPLE, expiresAt: '2026-12-05T10:30:00.000Z' } },
    "access to the customer's contact details approved until 2026-12-05T10:30:00.000Z",
  ],
  [{ type: 'CustomerAccessRefused', data: { requestId: SAMPLE, reason: 'no audit is open' } }, "access to the customer's contact details refused: no audit is open"],
  [
    { type: 'CustomerDataErased', data: { keyId: 'cust_a', reason: '3 years after the last ticket closed', basis: 'retention' } },
    'customer contact details erased under the retention schedule: 3 years after the last ticket closed',
  ],
  [
    { type: 'CustomerDataExported', data: { exportId: SAMPLE, keyId: 'cust_a', reason: 'access request AR-7' } },
    `everything held about the customer exported (export ${SAMPLE}): access request AR-7`,
  ],
  [
    { type: 'CustomerDataExported', data: { exportId: SAMPLE, reason: 'access request AR-8' } },
    `everything held about the customer exported, details already erased (export ${SAMPLE}): access request AR-8`,
  ],
  [
    { type: 'NoteAdded', data: { noteId: SAMPLE, text: 'the courier says Tuesday', mentions: { people: ['agent-li'], departments: ['logistics'] } } },
    'internal note mentioning agent-li, logistics',
  ],
  [{ type: 'NoteAdded', data: { noteId: SAMPLE, text: 'called back', mentions: { people: [], departments: [] } } }, 'internal note'],
  [
    {
      type: 'AttachmentAdded',
      data: { contentHash: 'a'.repeat(64), keyId: 'cust_a', fileName: 'v1.aaaa.bbbb.cccc', contentType: 'audio/mpeg', size: 48213, entryId: SAMPLE },
    },
    `attachment added (audio/mpeg, 48213 bytes) to entry ${SAMPLE}`,
  ],
  [{ type: 'TicketWatched', data: { watcherId: 'director-1' } }, 'director-1 started watching the ticket'],
  [{ type: 'TicketUnwatched', data: { watcherId: 'director-1' } }, 'director-1 stopped watching the ticket'],
  [
    {
      type: 'SampleDrawn',
      data: {
        sampleId: SAMPLE,
        team: 'cs',
        period: '2025-W10',
        policy: { version: 'sampling-1', rule: 'default', cadence: 'week', rate: 0.1 },
        seed: 42,
        populationSize: 30,
        populationDigest: 'a'.repeat(64),
        targetSize: 3,
        size: 4,
        ticketIds: ['t1', 't2', 't3', 't4'],
        agents: ['agent-1', 'agent-2'],
        channels: ['hotline', 'email'],
      },
    },
    'quality sample of cs for 2025-W10 drawn: 4 of 30 service records (seed 42)',
  ],
  [
    {
      type: 'RecordInspected',
      data: { sampleId: SAMPLE, team: 'cs', rubricVersion: 'rubric-1', scores: { wording: 3 }, total: 55, passMark: 60, correctiveActionRequired: true, missing: ['solution'], note: 'It was closed' },
    },
    'service record inspected: 55 of 100 (rubric rubric-1), corrective action required',
  ],
  [
    { type: 'CorrectiveActionRequired', data: { actionId: SAMPLE, sampleId: SAMPLE, team: 'cs', assignees: ['agent-1'], description: 'It was closed' } },
    'corrective action required of agent-1',
  ],
  [{ type: 'CorrectiveActionCompleted', data: { actionId: SAMPLE, note: 'It was closed' } }, 'corrective action completed'],
  [{ type: 'CorrectiveActionVerified', data: { actionId: SAMPLE, effective: true } }, 'corrective action verified by QA: effective'],
  [{ type: 'CorrectiveActionVerified', data: { actionId: SAMPLE, effective: false, note: 'still no greeting' } }, 'corrective action verified by QA: not effective, open again'],
  [{ type: 'PolicyChanged', data: { kind: 'deadlines', version: 2, document: { version: 'It was closed' } } }, 'deadlines policy changed to version 2'],
  [{ type: 'SelfEvaluationSubmitted', data: { personId: 'agent-1', team: 'cs', period: '2025-03', score: 80 } }, 'self-evaluation of agent-1 for 2025-03: 80'],
  [
    { type: 'SupervisorEvaluationSubmitted', data: { personId: 'agent-1', team: 'cs', period: '2025-03', score: 90, comment: 'It was closed' } },
    'supervisor evaluation of agent-1 for 2025-03: 90',
  ],
];

describe('summarise', () => {
  it.each(cases.map(([event, line]) => [event.type, line, event] as const))('given %s, then "%s"', (_type, line, event) => {
    expect(summarise({ ...event, schemaVersion: 1 })).toBe(line);
  });

  it('covers every event type of the workflow', () => {
    const covered = new Set(cases.map(([event]) => event.type));
    expect([...covered].sort()).toEqual(Object.keys(EVENT_CONTRACTS).sort());
  });

  it('never repeats the customer or free text they wrote', () => {
    for (const [event] of cases) {
      const line = summarise({ ...event, schemaVersion: 1 });
      for (const secret of ['Wang', '13800138000', 'wang@example.cn', 'Charged twice', 'It was closed']) expect(line).not.toContain(secret);
    }
  });

  it('given a type this build does not know, then a generic line instead of an error', () => {
    expect(summarise({ type: 'TicketTagged', schemaVersion: 2, data: { tag: 'vip' } })).toBe('TicketTagged (v2)');
  });
});
