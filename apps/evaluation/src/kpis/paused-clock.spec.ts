import { ALWAYS_OPEN, type DeadlinePolicy } from '@handoff/service-time';
import { schemaVersionOf, type Actor, type Deadlines, type HandoffEvent, type RecordedEvent } from '@handoff/contracts';
import { sealedCustomer } from '@handoff/testing';
import { serviceRecordsFromEvents } from '../records/service-record';
import { lifecycleOf } from '../timeline/lifecycle';
import type { KpiPolicy } from './kpi-policy';
import { kpiReportFromEvents } from './kpis';

// A paused hour does not count against the department: resolution time leaves the paused time
// out, and the deadline a round is judged by is the one the pause moved (as recorded, and as
// recomputed under today's policy). Every number below is worked out by hand.

const T0 = Date.parse('2025-03-03T01:00:00.000Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const deadlines = (resolutionMinutes = 240): Deadlines => ({ from: iso(0), firstResponseDueAt: iso(30), resolutionDueAt: iso(resolutionMinutes), policyVersion: 'p-then' });

const ana: Actor = { id: 'h-ana', role: 'department_handler', department: 'billing' };
const manager: Actor = { id: 'm-mei', role: 'department_manager', department: 'billing' };
const system: Actor = { id: 'system', role: 'system' };
const agent: Actor = { id: 'agent-a', role: 'cs' };

type Step = [minutes: number, service: 'intake' | 'routing' | 'followup', actor: Actor, event: HandoffEvent];

function recorded(ticketId: string, steps: readonly Step[]): RecordedEvent[] {
  const positions = new Map<string, number>();
  return steps.map(([minutes, service, actor, event], index) => {
    const streamId = `${service}-ticket-${ticketId}`;
    const streamPosition = (positions.get(streamId) ?? 0) + 1;
    positions.set(streamId, streamPosition);
    return {
      eventId: `${ticketId}-${index}`,
      type: event.type,
      schemaVersion: schemaVersionOf(event.type),
      streamId,
      streamPosition,
      globalPosition: String(index + 1),
      ticketId,
      data: event.data,
      metadata: {
        correlationId: 'c',
        causationId: `c-${index}`,
        actorId: actor.id,
        role: actor.role,
        ...(actor.department ? { department: actor.department } : {}),
        occurredAt: iso(minutes),
        recordedAt: iso(minutes),
      },
      contentHash: '0'.repeat(64),
      previousHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    } as RecordedEvent;
  });
}

/** A billing consultation: routed at 0 (resolution due at 240), claimed, planned; then `middle`; result at 400, satisfied at 410. */
function ticket(ticketId: string, middle: readonly Step[]): RecordedEvent[] {
  const handed = { channel: 'hotline', type: 'consultation', category: 'billing', priority: 'normal' } as const;
  return recorded(ticketId, [
    [0, 'intake', system, { type: 'ContactRecorded', data: { sourceSystem: 'pbx', externalId: ticketId, ...handed, customer: sealedCustomer({ name: 'Wang', phone: '13800138000' }), subject: 'Refund', description: 'Where is my refund?' } }],
    [0, 'intake', system, { type: 'TicketHandedOver', data: { ...handed, customer: sealedCustomer({ name: 'Wang', phone: '13800138000' }), subject: 'Refund', description: 'Where is my refund?', complaint: false, reason: 'classified_for_department' } }],
    [0, 'routing', system, { type: 'TicketRouted', data: { department: 'billing', rule: 'billing', reason: 'r', round: 1, ...handed, complaint: false, deadlines: deadlines() } }],
    [5, 'routing', ana, { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-ana', method: 'claim', reason: 'claimed' } }],
    [10, 'routing', ana, { type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'Asking the customer for the statement.', firstResponse: true } }],
    ...middle,
    [400, 'routing', ana, { type: 'ResultReported', data: { round: 1, department: 'billing', handlerId: 'h-ana', summary: 'Refunded.', complaint: false } }],
    [400, 'followup', system, { type: 'ConfirmationRequested', data: { round: 1, resolvedBy: 'department', department: 'billing', resultSummary: 'Refunded.' } }],
    [410, 'followup', agent, { type: 'CustomerConfirmedSatisfaction', data: { round: 1 } }],
    [410, 'followup', agent, { type: 'TicketClosed', data: { outcome: 'satisfied', round: 1 } }],
  ]);
}

const paused: Step = [
  20,
  'routing',
  ana,
  { type: 'ResolutionClockPaused', data: { round: 1, department: 'billing', reason: 'waiting_on_customer', handlerId: 'h-ana', pausedAt: iso(20), resolutionDueAt: iso(240), resumeBy: iso(20 + 4320) } },
];
const resumed: Step = [
  200,
  'routing',
  ana,
  {
    type: 'ResolutionClockResumed',
    data: { round: 1, department: 'billing', trigger: 'handler', reason: 'waiting_on_customer', pausedAt: iso(20), resumedAt: iso(200), pausedMinutes: 180, deadlines: deadlines(420) },
  },
];

/** Today's policy: the same 240 minutes of resolution, in clock time. */
const NOW: DeadlinePolicy = { version: 'p-now', firstResponseMinutes: { default: 30 }, resolutionMinutes: { default: 240 }, calendar: ALWAYS_OPEN, countIn: 'clock' };
const POLICY: KpiPolicy = { timeZone: 'Asia/Shanghai', peakHours: [], targets: { versions: [{ version: 't', effectiveFrom: '2024-01-01T00:00:00Z', targets: {} }] }, deadlines: NOW };
const window = { from: iso(-60), to: iso(10_000) };
const AS_OF = new Date(T0 + 20_000 * 60_000);

describe('a paused resolution clock in the figures', () => {
  const withPause = ticket('t-paused', [paused, resumed]);
  const withoutPause = ticket('t-plain', []);

  it('leaves the paused time out of the resolution time and judges the round by the moved deadline', () => {
    expect(lifecycleOf(withPause)).toMatchObject({ pausedMinutes: 180, resolutionMinutes: 400 - 180, resolutionDeadlineMet: true });
    // The same work without the pause is 400 minutes, past its 240.
    expect(lifecycleOf(withoutPause)).toMatchObject({ pausedMinutes: 0, resolutionMinutes: 400, resolutionDeadlineMet: false });
  });

  it('counts a pause still open only up to the result', () => {
    const open = ticket('t-open', [paused]);
    expect(lifecycleOf(open)).toMatchObject({ pausedMinutes: 380, resolutionMinutes: 20 });
  });

  it('keeps the pauses of each round on the service record, and the deadline as the pause moved it', () => {
    const [record] = serviceRecordsFromEvents(withPause);
    expect(record!.rounds[0]).toMatchObject({ resolutionDueAt: iso(420), pauses: [{ from: iso(20), until: iso(200) }] });
  });

  it('KPIs "then" and "now": the paused ticket meets its deadline, the other misses; resolution time without the pause', () => {
    for (const policy of ['then', 'now'] as const) {
      const report = kpiReportFromEvents([...withPause, ...withoutPause], { ...window, policy }, POLICY, AS_OF);
      expect(report.total.figures.resolutionDeadline).toEqual({ met: 1, missed: 1, rate: 0.5 });
    }
    const only = kpiReportFromEvents(withPause, { ...window, policy: 'then' }, POLICY, AS_OF);
    expect(only.total.figures.resolutionMinutes.median).toBe(220);
  });
});

describe('a priority changed mid-round in the figures', () => {
  const urgent: Step = [
    60,
    'routing',
    manager,
    {
      type: 'PriorityChanged',
      data: { round: 1, department: 'billing', previousPriority: 'normal', priority: 'urgent', reason: 'A hospital', previousDeadlines: deadlines(), deadlines: deadlines(120) },
    },
  ];
  const low: Step = [
    60,
    'routing',
    manager,
    {
      type: 'PriorityChanged',
      data: { round: 1, department: 'billing', previousPriority: 'normal', priority: 'low', reason: 'A suggestion after all', previousDeadlines: deadlines(), deadlines: deadlines(480) },
    },
  ];

  it('judges the round by the re-targeted deadline, and records the new priority', () => {
    expect(lifecycleOf(ticket('t-urgent', [urgent]))).toMatchObject({ resolutionDeadlineMet: false });
    expect(lifecycleOf(ticket('t-low', [low]))).toMatchObject({ resolutionDeadlineMet: true });
    const [record] = serviceRecordsFromEvents(ticket('t-low', [low]));
    expect(record).toMatchObject({ priority: 'low', rounds: [{ priority: 'low', resolutionDueAt: iso(480) }] });
  });
});
