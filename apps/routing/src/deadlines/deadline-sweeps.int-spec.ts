import { DEFAULT_COMPLAINT_CAUSES, newId, routingStreamId, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { sharedStoreForThisFile } from '@handoff/testing/services';
import { ticketsDecider } from '../tickets/tickets.decider';

const MINUTE = 60_000;

/**
 * Every routing instance runs the deadline sweep (there is no leader): two instances sweeping the
 * same due tickets at the same moment must record each breach and escalation once. Each instance
 * here has a store (a pool) of its own on the one database, as two processes would.
 */
describe('deadline sweeps of two instances at once', () => {
  const decider = ticketsDecider({
    rules: { rules: [{ name: 'billing', department: 'billing', categories: ['billing'] }], defaultDepartment: 'customer_care' },
    deadlinesFor: ({ from }) => ({
      firstResponseDueAt: new Date(from.getTime() + 30 * MINUTE),
      resolutionDueAt: new Date(from.getTime() + 1440 * MINUTE),
      policyVersion: 'test-v1',
    }),
    escalation: { managementAfterMinutes: { first_response: 60, resolution: 240 } },
    complaintCauses: DEFAULT_COMPLAINT_CAUSES,
  });
  const sweeper: Actor = { id: 'system:routing-deadlines', role: 'system' };
  const stores = sharedStoreForThisFile('deadline_sweeps', 2, 4);

  it('records each breach and escalation once, however the two sweeps interleave', async () => {
    const [first, second] = stores.map((store) => new CommandHandler(store));
    const handedOverAt = new Date(Date.now() - 2 * 24 * 60 * MINUTE);
    const tickets = Array.from({ length: 12 }, () => newId());
    for (const ticketId of tickets) {
      await first.handle(
        routingStreamId(ticketId),
        decider,
        {
          type: 'RouteTicket',
          data: { type: 'consultation', category: 'billing', priority: 'normal', channel: 'hotline', complaint: false, handedOverAt: handedOverAt.toISOString() },
          metadata: { now: handedOverAt, actor: { id: 'system:routing', role: 'system' }, correlationId: newId(), causationId: newId() },
        },
        { ticketId },
      );
      // Each ticket also asks logistics: the sub-request's deadlines are swept in the same command.
      await first.handle(
        routingStreamId(ticketId),
        decider,
        {
          type: 'OpenSubRequest',
          data: { subRequestId: `sr-${ticketId}`, department: 'logistics', reason: 'Where is the parcel?' },
          metadata: { now: handedOverAt, actor: { id: 'agent-1', role: 'cs' }, correlationId: newId(), causationId: newId() },
        },
        { ticketId },
      );
    }

    // Both deadlines long past their management grace: each sweep alone would record them all.
    const now = new Date();
    const sweep = (handler: CommandHandler, ticketId: string) =>
      handler.handle(routingStreamId(ticketId), decider, { type: 'CheckDeadlines', data: {}, metadata: { now, actor: sweeper, correlationId: newId(), causationId: newId() } }, { ticketId });
    const results = await Promise.all(tickets.flatMap((ticketId) => [sweep(first, ticketId), sweep(second, ticketId)]));
    expect(results.every((result) => !result.duplicate)).toBe(true);

    for (const ticketId of tickets) {
      const types = (await stores[0].readStream(routingStreamId(ticketId))).map((event) => event.type);
      const missed = ['DeadlineBreached', 'TicketEscalated', 'TicketEscalated'];
      expect(types).toEqual(['TicketRouted', 'SubRequestOpened', ...missed, 'ManagementInvolved', ...missed, ...missed, ...missed]);
    }
    // A third sweep, later, by either instance: nothing left to record.
    expect((await sweep(second, tickets[0])).events).toEqual([]);
  });
});
