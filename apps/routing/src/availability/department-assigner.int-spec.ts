import { DEFAULT_COMPLAINT_CAUSES, newId, staffingStreamId, type Actor, type RecordedEvent } from '@handoff/contracts';
import { CommandHandler, createPostgresEventStore, type EventStore, type PostgresEventStore } from '@handoff/event-store';
import { JsonLogger } from '@handoff/platform';
import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import type { Organisation } from '../organisation/organisation';
import { ticketsDecider } from '../tickets/tickets.decider';
import { staffingDecider, type StaffingCommand } from './availability.decider';
import { DepartmentAssigner } from './department-assigner';

const organisation: Organisation = {
  departments: [
    {
      id: 'billing',
      name: 'Billing',
      strategy: 'least_loaded',
      handlers: [
        { id: 'h-ana', name: 'Ana', skills: [] },
        { id: 'h-bo', name: 'Bo', skills: [] },
      ],
      managers: [],
    },
  ],
};
const management: Actor = { id: 'manager-1', role: 'management' };

/** A store that says from which position each stream read began and how many events it brought. */
function recordingReads(store: EventStore): { store: EventStore; reads: { from: number; events: number }[] } {
  const reads: { from: number; events: number }[] = [];
  const recording = Object.create(store) as EventStore;
  recording.readStream = async (streamId: string, fromPosition = 0): Promise<RecordedEvent[]> => {
    const events = await store.readStream(streamId, fromPosition);
    reads.push({ from: fromPosition, events: events.length });
    return events;
  };
  return { store: recording, reads };
}

/**
 * The department's staffing stream is read at every automatic assignment and grows with every
 * absence for as long as the desk runs: the assigner reads only what was recorded since it last
 * read, and still sees what another instance recorded.
 */
describe("the assigner's view of a department's staffing", () => {
  let database: TestDatabase;
  const stores: PostgresEventStore[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('department_assigner');
    for (let instance = 0; instance < 2; instance++) stores.push(await createPostgresEventStore({ connectionString: database.url, poolSize: 2 }));
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await database?.drop();
  });

  it('reads only the events recorded since its last read, another instance’s included, to the same state as reading all', async () => {
    const { store, reads } = recordingReads(stores[0]);
    const assigner = new DepartmentAssigner({
      commands: new CommandHandler(store),
      decider: ticketsDecider({
        rules: { rules: [], defaultDepartment: 'billing' },
        deadlinesFor: ({ from }) => ({ firstResponseDueAt: from, resolutionDueAt: from, policyVersion: 'test' }),
        escalation: { managementAfterMinutes: { first_response: 60, resolution: 240 } },
        complaintCauses: DEFAULT_COMPLAINT_CAUSES,
      }),
      organisation,
      actor: { id: 'system:routing-assignment', role: 'system' },
      logger: new JsonLogger('routing', 'error', () => undefined),
      clock: () => new Date(),
    });
    // The other instance records every absence.
    const other = new CommandHandler(stores[1]);
    const stream = staffingStreamId('billing');
    const decider = staffingDecider('billing', organisation);
    const record = (command: Pick<StaffingCommand, 'type' | 'data'>) =>
      other.handle(stream, decider, { ...command, metadata: { now: new Date(), actor: management, correlationId: newId(), causationId: newId() } } as StaffingCommand, {
        ticketId: 'staffing',
      });
    const readAll = async () => (await new CommandHandler(stores[1]).load(stream, decider)).state;

    expect([...(await assigner.staffing('billing')).away.keys()]).toEqual([]);
    await record({ type: 'MarkAway', data: { handlerId: 'h-ana' } });
    await record({ type: 'MarkAway', data: { handlerId: 'h-bo', until: new Date(Date.now() + 3_600_000).toISOString() } });
    expect(await assigner.staffing('billing')).toEqual(await readAll());
    await record({ type: 'MarkBack', data: { handlerId: 'h-ana' } });
    const afterReturn = await assigner.staffing('billing');
    expect([...afterReturn.away.keys()]).toEqual(['h-bo']);
    expect(afterReturn).toEqual(await readAll());
    // Nothing new: a read from the next position that brings nothing, and the same state.
    expect(await assigner.staffing('billing')).toEqual(afterReturn);

    // The empty stream, then both absences, then only the return, then nothing.
    expect(reads).toEqual([
      { from: 0, events: 0 },
      { from: 0, events: 2 },
      { from: 2, events: 1 },
      { from: 3, events: 0 },
    ]);
  });
});
