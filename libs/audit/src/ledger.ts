import {
  contractOf,
  type HandoffEvent,
  type HandoffLedger,
  type Holder,
  type Holding,
  type ParallelHolding,
  type RecordedEvent,
  type RecordedOf,
} from '@handoff/contracts';

/** Who had the ticket: CS at the front desk or in follow-up, a department, one of its handlers, or management. */
export type { HandoffLedger, Holder, Holding, ParallelHolding } from '@handoff/contracts';

const minutesBetween = (from: string, to: string): number => Math.round(((Date.parse(to) - Date.parse(from)) / 60_000) * 100) / 100;

/**
 * Known types are read as they are, not re-validated: an audit must not silently drop an event
 * because today's contract is stricter than the one it was written under.
 */
function typed(event: RecordedEvent): RecordedOf<HandoffEvent> | undefined {
  return contractOf(event.type) ? (event as RecordedOf<HandoffEvent>) : undefined;
}

/**
 * The handoff ledger of one ticket, from its history alone: each holder with when it got the
 * ticket, when it passed it on, and for how long it held it. `until` closes nothing: a holder
 * still holding at the end of the history has `to: null`.
 */
export function handoffLedger(history: readonly RecordedEvent[]): HandoffLedger {
  const holdings: Holding[] = [];
  const bounces: { department: string; at: string }[] = [];
  const managementInvolved: { at: string; reason: string }[] = [];
  const departmentsLeft = new Set<string>();
  let current: { holder: Holder; from: string; receivedBy: string } | undefined;
  let department: string | undefined;
  // Each open sub-request's holder, beside the ticket's: a sub-request runs in parallel, it takes nothing from the ticket's holder.
  const parallel: ParallelHolding[] = [];
  const subRequestHolders = new Map<string, { holder: Holder; from: string; receivedBy: string }>();
  const handSubRequestTo = (subRequestId: string, holder: Holder | undefined, at: string, by: string) => {
    const held = subRequestHolders.get(subRequestId);
    if (held) parallel.push({ subRequestId, ...held, to: at, minutes: minutesBetween(held.from, at), passedOnBy: by });
    if (holder) subRequestHolders.set(subRequestId, { holder, from: at, receivedBy: by });
    else subRequestHolders.delete(subRequestId);
  };

  const handTo = (holder: Holder | undefined, at: string, by: string) => {
    if (current) {
      if (holder && JSON.stringify(holder) === JSON.stringify(current.holder)) return;
      holdings.push({ ...current, to: at, minutes: minutesBetween(current.from, at), passedOnBy: by });
    }
    current = holder ? { holder, from: at, receivedBy: by } : undefined;
  };
  const enterDepartment = (next: string, at: string) => {
    if (department === next) return;
    if (department) departmentsLeft.add(department);
    if (departmentsLeft.has(next)) bounces.push({ department: next, at });
    department = next;
  };

  for (const raw of history) {
    const event = typed(raw);
    if (!event) continue;
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'ContactRecorded':
        handTo({ kind: 'cs', stage: 'intake' }, at, event.type);
        break;
      case 'TicketRouted':
        enterDepartment(event.data.department, at);
        handTo({ kind: 'department', department: event.data.department }, at, event.type);
        break;
      case 'HandlerAssigned':
        handTo({ kind: 'handler', department: event.data.department, handlerId: event.data.handlerId }, at, event.type);
        break;
      case 'TransferAccepted':
        enterDepartment(event.data.toDepartment, at);
        handTo({ kind: 'department', department: event.data.toDepartment }, at, event.type);
        break;
      case 'TicketReopened':
        enterDepartment(event.data.department, at);
        handTo(
          event.data.handlerId
            ? { kind: 'handler', department: event.data.department, handlerId: event.data.handlerId }
            : { kind: 'department', department: event.data.department },
          at,
          event.type,
        );
        break;
      case 'AnsweredAtFirstContact':
      case 'ResultReported':
        handTo({ kind: 'cs', stage: 'follow_up' }, at, event.type);
        break;
      case 'TicketHandedToManagement':
      case 'TicketTakenOver':
        handTo({ kind: 'management' }, at, event.type);
        break;
      case 'ManagementInvolved':
        managementInvolved.push({ at, reason: event.data.reason });
        break;
      case 'TicketClosed':
        handTo(undefined, at, event.type);
        break;
      case 'SubRequestOpened':
        handSubRequestTo(event.data.subRequestId, { kind: 'department', department: event.data.department }, at, event.type);
        break;
      case 'SubRequestAssigned':
        handSubRequestTo(event.data.subRequestId, { kind: 'handler', department: event.data.department, handlerId: event.data.handlerId }, at, event.type);
        break;
      case 'SubRequestAnswered':
      case 'SubRequestClosed':
        handSubRequestTo(event.data.subRequestId, undefined, at, event.type);
        break;
      default:
        break;
    }
  }
  if (current) holdings.push({ ...current, to: null, minutes: null, passedOnBy: null });
  for (const [subRequestId, held] of subRequestHolders) parallel.push({ subRequestId, ...held, to: null, minutes: null, passedOnBy: null });
  // In the order each holder got its part, as the ticket's own holdings read.
  parallel.sort((left, right) => Date.parse(left.from) - Date.parse(right.from));
  return { holdings, bounces, managementInvolved, parallel };
}
