import { sealedCustomer } from '@handoff/testing';
import type { HandoffEvent, RecordedEvent, Role } from '@handoff/contracts';
import { lifecycleOf } from './lifecycle';

const T0 = Date.parse('2025-03-03T01:00:00.000Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** A hand-built history across the three contexts, in order; envelopes filled with plausible values. */
function history(...steps: [minutes: number, event: HandoffEvent, role?: Role][]): RecordedEvent[] {
  return steps.map(([minutes, event, role = 'system'], position) => ({
    eventId: `evt-${position}`,
    type: event.type,
    schemaVersion: 1,
    streamId: 'any',
    streamPosition: position,
    globalPosition: String(position),
    ticketId: 't1',
    data: event.data,
    metadata: {
      correlationId: 'corr-1',
      causationId: `cause-${position}`,
      actorId: 'someone',
      role,
      occurredAt: iso(minutes),
      recordedAt: iso(minutes),
    },
    contentHash: '0'.repeat(64),
    previousHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  }));
}

const deadlines = (from: number) => ({
  from: iso(from),
  firstResponseDueAt: iso(from + 30),
  resolutionDueAt: iso(from + 1440),
  policyVersion: 'v1',
});

const customer = sealedCustomer({ name: 'Wang Fang', phone: '13800138000' });
const intakeOfComplaint: [number, HandoffEvent][] = [
  [
    0,
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
  ],
  [
    0,
    {
      type: 'TicketClassified',
      data: {
        category: 'billing',
        priority: 'high',
        resolution: 'department',
        matched: { category: 'a', priority: 'b', resolution: 'c' },
        rulesVersion: 'v1',
      },
    },
  ],
  [
    0,
    {
      type: 'TicketHandedOver',
      data: {
        channel: 'social_media',
        platform: 'wechat',
        type: 'complaint',
        category: 'billing',
        priority: 'high',
        customer,
        subject: 'Charged twice',
        description: 'I was charged twice.',
        complaint: true,
        reason: 'classified_for_department',
      },
    },
  ],
];

describe('lifecycleOf', () => {
  it('given a complaint passed to another department, reopened once, then closed satisfied, then its figures', () => {
    const events = history(
      ...intakeOfComplaint,
      [
        1,
        {
          type: 'TicketRouted',
          data: {
            department: 'billing',
            rule: 'billing',
            reason: 'r',
            round: 1,
            type: 'complaint',
            category: 'billing',
            priority: 'high',
            channel: 'social_media',
            platform: 'wechat',
            complaint: true,
            deadlines: deadlines(0),
          },
        },
      ],
      [1, { type: 'ManagementInvolved', data: { reason: 'complaint' } }],
      [10, { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-ana', method: 'claim', reason: 'claimed' } }],
      [31, { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'billing', dueAt: iso(30) } }],
      [
        31,
        {
          type: 'TicketEscalated',
          data: { level: 'department_manager', trigger: 'first_response_overdue', round: 1, department: 'billing', reason: 'late', dueAt: iso(30) },
        },
      ],
      [40, { type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'plan', firstResponse: true } }, 'department_handler'],
      [60, { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'parcel' } }],
      [70, { type: 'TransferAccepted', data: { fromDepartment: 'billing', toDepartment: 'logistics', previousHandlerId: 'h-ana' } }],
      [80, { type: 'HandlerAssigned', data: { department: 'logistics', handlerId: 'h-lou', method: 'claim', reason: 'claimed' } }],
      [
        300,
        {
          type: 'ResultReported',
          data: { round: 1, department: 'logistics', handlerId: 'h-lou', summary: 's', complaint: true, apology: 'a', correctiveAction: 'c' },
        },
      ],
      [310, { type: 'ConfirmationRequested', data: { round: 1, resolvedBy: 'department', department: 'logistics', resultSummary: 's' } }],
      [320, { type: 'CustomerObjected', data: { round: 1, resolvedBy: 'department', department: 'logistics', objection: 'no' } }, 'cs'],
      [321, { type: 'TicketReopened', data: { round: 2, department: 'logistics', handlerId: 'h-lou', objection: 'no', deadlines: deadlines(320) } }],
      [340, { type: 'ProgressReported', data: { round: 2, department: 'logistics', note: 'again', firstResponse: true } }],
      [
        500,
        {
          type: 'ResultReported',
          data: { round: 2, department: 'logistics', handlerId: 'h-lou', summary: 's2', complaint: true, apology: 'a', correctiveAction: 'c' },
        },
      ],
      [510, { type: 'ConfirmationRequested', data: { round: 2, resolvedBy: 'department', department: 'logistics', resultSummary: 's2' } }],
      [520, { type: 'CustomerConfirmedSatisfaction', data: { round: 2 } }, 'cs'],
      [520, { type: 'TicketClosed', data: { outcome: 'satisfied', round: 2 } }, 'cs'],
      [521, { type: 'HandlingClosed', data: { outcome: 'satisfied', round: 2 } }],
    );

    expect(lifecycleOf(events)).toEqual({
      ticketId: 't1',
      subject: 'Charged twice',
      channel: 'social_media',
      type: 'complaint',
      complaint: true,
      openedAt: iso(0),
      firstResponseAt: iso(40),
      resolvedAt: iso(500),
      closedAt: iso(520),
      outcome: 'satisfied',
      resolvedAtFirstContact: false,
      rounds: 2,
      reopens: 1,
      firstResponseMinutes: 40,
      resolutionMinutes: 500,
      pausedMinutes: 0,
      firstResponseDeadlineMet: false,
      resolutionDeadlineMet: true,
      departmentsVisited: ['billing', 'logistics'],
      escalations: [
        { level: 'department_manager', trigger: 'first_response_overdue', round: 1, department: 'billing', at: iso(31) },
      ],
      managementInvolved: true,
    });
  });

  it('given a consultation answered at first contact and confirmed, then a first-contact resolution without deadlines', () => {
    const events = history(
      [0, { ...intakeOfComplaint[0][1], data: { ...(intakeOfComplaint[0][1].data as object), type: 'consultation' } } as HandoffEvent],
      [3, { type: 'AnsweredAtFirstContact', data: { answer: 'Saturdays.' } }, 'cs'],
      [3, { type: 'ConfirmationRequested', data: { round: 0, resolvedBy: 'first_contact', resultSummary: 'Saturdays.' } }],
      [4, { type: 'CustomerConfirmedSatisfaction', data: { round: 0 } }, 'cs'],
      [4, { type: 'TicketClosed', data: { outcome: 'satisfied', round: 0 } }, 'cs'],
    );
    expect(lifecycleOf(events)).toMatchObject({
      complaint: false,
      firstResponseAt: iso(3),
      resolvedAt: iso(3),
      closedAt: iso(4),
      outcome: 'satisfied',
      resolvedAtFirstContact: true,
      rounds: 1,
      reopens: 0,
      firstResponseMinutes: 3,
      resolutionMinutes: 3,
      firstResponseDeadlineMet: null,
      resolutionDeadlineMet: null,
      departmentsVisited: [],
      escalations: [],
      managementInvolved: false,
    });
  });

  it('given a ticket still being worked within its deadlines, then the verdicts wait', () => {
    const events = history(...intakeOfComplaint, [
      1,
      {
        type: 'TicketRouted',
        data: {
          department: 'billing',
          rule: 'billing',
          reason: 'r',
          round: 1,
          type: 'complaint',
          category: 'billing',
          priority: 'high',
          channel: 'social_media',
          complaint: true,
          deadlines: deadlines(0),
        },
      },
    ], [20, { type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'plan', firstResponse: true } }]);
    expect(lifecycleOf(events)).toMatchObject({
      firstResponseDeadlineMet: true,
      resolutionDeadlineMet: null,
      resolvedAt: null,
      closedAt: null,
      outcome: null,
      resolutionMinutes: null,
    });
  });

  it('given an unreachable customer, then the outcome says so and it is not a satisfied close', () => {
    const events = history(
      ...intakeOfComplaint,
      [5, { type: 'ConfirmationRequested', data: { round: 1, resolvedBy: 'department', department: 'billing', resultSummary: 's' } }],
      [6, { type: 'ContactAttemptFailed', data: { round: 1, attempt: 1 } }],
      [7, { type: 'TicketClosed', data: { outcome: 'unconfirmed_unreachable', round: 1 } }],
    );
    expect(lifecycleOf(events)).toMatchObject({ outcome: 'unconfirmed_unreachable', closedAt: iso(7), resolvedAtFirstContact: false });
  });

  it('given event types this build does not know, then they are skipped', () => {
    const events = history(...intakeOfComplaint);
    const unknown = { ...events[0], type: 'SomethingNew', data: { whatever: true } };
    expect(lifecycleOf([...events, unknown]).openedAt).toBe(iso(0));
  });

  it('given no events, then an empty lifecycle', () => {
    expect(lifecycleOf([])).toMatchObject({ ticketId: '', openedAt: null, rounds: 0, departmentsVisited: [] });
  });
});
