import { ROUTING_EVENTS, typedEventOf, type Department, type RecordedEvent, type RecordedOf, type RoutingEvent } from '@handoff/contracts';
import { withEventTrace, type EventHandler } from '@handoff/messaging';
import { In, type EntityManager } from 'typeorm';
import type { DepartmentAssigner } from '../availability/department-assigner';
import type { Organisation } from '../organisation/organisation';
import { DepartmentQueueRow } from '../queue/queue.entities';
import { evolveQueueEntry, opensQueueEntry, type QueueEntry } from '../queue/queue.model';
import { assignmentRequestOf } from './auto-assignment';

/**
 * A process manager on routing's own topic: whenever a ticket asks a department for a handler,
 * or a handler's slot frees up (a result reported, a ticket closed, passed on or taken from
 * them), the department's waiting tickets go to free handlers, oldest first (DepartmentAssigner).
 *
 * Process managers run before the projections apply the batch, so the queue does not show it
 * yet: the batch's tickets are folded here with the queue's own fold and handed to the assigner
 * as the newer rows, so the slot the event freed and the ticket it brought count at once.
 */
export function autoAssignmentHandler(options: { readonly assigner: DepartmentAssigner; readonly organisation: Organisation }): EventHandler {
  const { assigner, organisation } = options;
  return {
    eventTypes: [...ASSIGNMENT_TRIGGERS],
    // Records through commands; writes only its reservations, in transactions of its own.
    issuesCommands: true,
    // A ticket just assigned (the last hop of every handoff) neither asks for a handler nor frees one.
    reactsTo(event) {
      const known = typedEventOf(ROUTING_EVENTS, event);
      return known !== undefined && mayAssign(known, assigner, organisation);
    },
    async handle(events, manager) {
      const typed = events.flatMap((event) => {
        const known = typedEventOf(ROUTING_EVENTS, event);
        return known ? [known] : [];
      });
      // The consumer passes only what reactsTo takes; a caller of its own may pass anything.
      if (!typed.some((event) => mayAssign(event, assigner, organisation))) return;
      // The checked event is a copy; its trace is found by the event the consumer delivered.
      const delivered = new Map(events.map((event) => [event.eventId, event]));
      const newer = await foldedBatch(manager, typed);
      // One drain per department and batch, caused by the first event that asked for it: it places
      // every waiting ticket it can, the batch's included, so a second drain would find nothing new.
      const causes = new Map<Department, RecordedOf<RoutingEvent>>();
      for (const event of typed) {
        for (const department of departmentsFreedOrAsked(event, organisation, newer.get(event.ticketId)?.department)) {
          if (assigner.assigns(department) && !causes.has(department)) causes.set(department, event);
        }
      }
      // One department after another: each drain holds a connection for its locked transaction,
      // and the service's pool is budgeted (README, "Connection budget").
      // A ticket the batch brought to wait is assigned as caused by its own event (the last that asked).
      const own = new Map<string, RecordedEvent>();
      for (const event of typed) if (assignmentRequestOf(event, organisation)) own.set(event.ticketId, delivered.get(event.eventId)!);
      for (const [department, event] of causes) {
        const cause = { correlationId: event.metadata.correlationId, causationId: event.eventId };
        await withEventTrace(delivered.get(event.eventId)!, () => assigner.drain(manager, department, cause, [...newer.values()], own));
      }
    },
  };
}

const ASSIGNMENT_TRIGGERS = [
  'TicketRouted',
  'TransferAccepted',
  'TicketReopened',
  'HandlerReleased',
  'ResultReported',
  'HandlingClosed',
  'HandlerAssigned',
  'TicketTakenOver',
] as const;

/** The queue rows of the batch's tickets as they will be once the projection has applied it. */
async function foldedBatch(manager: EntityManager, events: readonly RecordedOf<RoutingEvent>[]): Promise<Map<string, QueueEntry>> {
  // A ticket whose first event here opens its entry has none to read (a newly routed ticket, most of them).
  const first = new Map<string, RecordedOf<RoutingEvent>>();
  for (const event of events) if (!first.has(event.ticketId)) first.set(event.ticketId, event);
  const ticketIds = [...first.values()].filter((event) => !opensQueueEntry(event)).map((event) => event.ticketId);
  const rows = ticketIds.length === 0 ? [] : await manager.getRepository(DepartmentQueueRow).findBy({ ticketId: In(ticketIds) });
  const entries = new Map<string, QueueEntry>(rows.map((row) => [row.ticketId, row]));
  for (const event of events) {
    const next = evolveQueueEntry(entries.get(event.ticketId), event);
    if (next) entries.set(event.ticketId, next);
  }
  return entries;
}

/**
 * Whether the event may let a waiting ticket be assigned in a department that assigns
 * automatically: judged without the queue, so a close, which names its department only there, may.
 */
function mayAssign(event: RecordedOf<RoutingEvent>, assigner: DepartmentAssigner, organisation: Organisation): boolean {
  return event.type === 'HandlingClosed' || departmentsFreedOrAsked(event, organisation, undefined).some((department) => assigner.assigns(department));
}

/** The departments where the event may let a waiting ticket be assigned. */
function departmentsFreedOrAsked(event: RecordedOf<RoutingEvent>, organisation: Organisation, departmentNow: Department | undefined): Department[] {
  const asked = assignmentRequestOf(event, organisation);
  if (asked) return [asked.department, ...(event.type === 'TransferAccepted' && event.data.previousHandlerId ? [event.data.fromDepartment] : [])];
  switch (event.type) {
    case 'HandlerReleased':
    case 'ResultReported':
      return [event.data.department];
    case 'TransferAccepted':
      return event.data.previousHandlerId ? [event.data.fromDepartment] : [];
    case 'HandlerAssigned':
    case 'TicketTakenOver':
      return event.data.previousHandlerId ? [event.data.department] : [];
    case 'HandlingClosed':
      // The close names no department; the ticket's queue row does.
      return departmentNow ? [departmentNow] : [];
    default:
      return [];
  }
}
