import type { RecordedEvent } from '@handoff/contracts';
import type { EntityManager } from 'typeorm';
import type { DepartmentAssigner } from '../availability/department-assigner';
import type { Organisation } from '../organisation/organisation';
import { autoAssignmentHandler } from './auto-assignment.handler';

const organisation: Organisation = {
  departments: [{ id: 'billing', name: 'Billing', strategy: 'least_loaded', handlers: [{ id: 'h-ana', name: 'Ana', skills: [] }], managers: [] }],
};

const assigned = (data: Record<string, unknown>): RecordedEvent =>
  ({
    eventId: '6f1c1d34-8f4e-4d8e-9a55-0b7cfa3c2a10',
    type: 'HandlerAssigned',
    schemaVersion: 1,
    streamId: 'routing-ticket-t1',
    streamPosition: 1,
    globalPosition: '1',
    ticketId: 't1',
    data: { department: 'billing', handlerId: 'h-ana', method: 'least_loaded', reason: 'least loaded', ...data },
    metadata: { correlationId: 'c', causationId: 'c', actorId: 'system:routing-assignment', role: 'system', occurredAt: '2026-12-06T10:00:00.000Z' },
    contentHash: 'h',
    previousHash: 'h',
    hash: 'h',
  }) as RecordedEvent;

/** What the handler asked of the database and the assigner: a batch that needs neither asks nothing. */
function recording() {
  const asked: string[] = [];
  const manager = {
    getRepository: () => ({
      findBy: async () => {
        asked.push('queue rows');
        return [];
      },
    }),
  } as unknown as EntityManager;
  const assigner = {
    assigns: (department: string) => department === 'billing',
    drain: async (_: EntityManager, department: string) => {
      asked.push(`drain ${department}`);
    },
  } as unknown as DepartmentAssigner;
  return { asked, manager, handler: autoAssignmentHandler({ assigner, organisation }) };
}

describe('the automatic assignment process manager', () => {
  it('reads nothing for a first assignment, which neither asks for a handler nor frees one, and tells the consumer so', async () => {
    const { asked, manager, handler } = recording();
    expect(handler.reactsTo?.(assigned({}))).toBe(false);
    await handler.handle([assigned({})], manager);
    expect(asked).toEqual([]);
  });

  it('reads the queue and drains the department when an assignment takes the ticket from another handler', async () => {
    const { asked, manager, handler } = recording();
    expect(handler.reactsTo?.(assigned({ previousHandlerId: 'h-bo' }))).toBe(true);
    await handler.handle([assigned({ previousHandlerId: 'h-bo' })], manager);
    expect(asked).toEqual(['queue rows', 'drain billing']);
  });
});
