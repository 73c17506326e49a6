import type { RecordedEvent } from '@handoff/contracts';
import { FIXED_IDS, recordedMarchHistory } from '../kpis/march.fixture';
import { missingParts, needsImprovement, serviceRecordsFromEvents, type ServiceRecord } from './service-record';

const events = recordedMarchHistory(FIXED_IDS);
const records = serviceRecordsFromEvents(events);
const record = (key: keyof typeof FIXED_IDS): ServiceRecord => records.find((r) => r.ticketId === FIXED_IDS[key])!;

describe('a ticket as a service record', () => {
  it('checks completeness: customer information, contact details, problem description, handling process, solution, confirmation', () => {
    expect(missingParts(record('T1'))).toEqual([]); // answered at first contact and confirmed
    expect(missingParts(record('T2'))).toEqual([]); // handled in two rounds, complaint remedies given, confirmed
    expect(missingParts(record('T3'))).toEqual(['customer_confirmation']); // the customer could not be reached
    expect(missingParts(record('T4'))).toEqual(['handling_process', 'solution', 'customer_confirmation']); // assigned, nothing since
    expect(missingParts(record('T6'))).toEqual(['contact_details', 'handling_process', 'solution', 'customer_confirmation']); // details erased
  });

  it('flags a record missing contact details or a solution as needing improvement', () => {
    expect(['T1', 'T2', 'T3', 'T4', 'T5', 'T6'].map((key) => needsImprovement(record(key as keyof typeof FIXED_IDS)))).toEqual([false, false, false, true, false, true]);
  });

  it('a complaint whose result has no corrective action has no solution; a record without the contact has no customer information', () => {
    const t5 = events.filter((event) => event.ticketId === FIXED_IDS.T5);
    const withoutRemedy = t5.map((event): RecordedEvent =>
      event.type === 'ResultReported' ? { ...event, data: { ...(event.data as object), apology: undefined, correctiveAction: undefined } } : event,
    );
    const [bare] = serviceRecordsFromEvents(withoutRemedy);
    expect(bare!.parts.solution).toBe(false);
    expect(needsImprovement(bare!)).toBe(true);

    const [routingOnly] = serviceRecordsFromEvents(t5.filter((event) => event.streamId.startsWith('routing-')));
    expect(missingParts(routingOnly!)).toEqual(['customer_information', 'contact_details', 'problem_description', 'customer_confirmation']);
  });

  it('names who did the work: CS agents by their role on any step, handlers per department, the agents of the figures', () => {
    expect(record('T2')).toMatchObject({ csAgents: ['agent-b'], handlersByDepartment: { billing: ['h-ana'] }, agents: ['agent-b', 'h-ana'], cause: 'billing_error' });
    expect(record('T4')).toMatchObject({ csAgents: ['agent-a'], handlersByDepartment: { product: ['h-bo'] }, agents: ['agent-a'] });
    expect(record('T6')).toMatchObject({ csAgents: [], agents: [], resolvingDepartment: null });
  });

  it('keeps the customer’s answers with who produced the result and who reported it back', () => {
    expect(record('T2').verdicts).toEqual([
      { round: 1, at: '2025-03-03T04:40:00.000Z', satisfied: false, resolvedBy: 'h-ana', confirmedBy: 'agent-b', department: 'billing' },
      { round: 2, at: '2025-03-03T05:10:00.000Z', satisfied: true, resolvedBy: 'h-ana', confirmedBy: 'agent-b', department: 'billing' },
    ]);
    expect(record('T1').verdicts).toEqual([{ round: 0, at: '2025-03-03T01:20:00.000Z', satisfied: true, resolvedBy: 'agent-a', confirmedBy: 'agent-a', department: null }]);
  });

  it('ignores evaluation’s own events and events of unknown types', () => {
    const extra: RecordedEvent[] = [
      { ...events[0]!, eventId: 'x-1', streamId: `evaluation-inspection-${FIXED_IDS.T1}`, type: 'CorrectiveActionCompleted', data: { actionId: 'a', note: 'n' } },
      { ...events[0]!, eventId: 'x-2', streamId: `intake-ticket-${FIXED_IDS.T1}`, streamPosition: 99, type: 'TicketTagged', data: {} },
    ];
    const again = serviceRecordsFromEvents([...events, ...extra]).find((r) => r.ticketId === FIXED_IDS.T1);
    expect(again).toEqual(record('T1'));
  });
});
