import type { Actor, Channel, Customer, Deadlines, HandoffEvent, Priority, RecordedEvent, TicketType } from '@handoff/contracts';
import { schemaVersionOf, seededRandom } from '@handoff/contracts';

/**
 * A generated service desk (for tests and the bench's `scale` section): tickets drawn by a seeded generator across
 * every path a ticket takes, so that every KPI and every grouping has something to count.
 * Answered at first contact or not; handed over by CS; routed, claimed, breached, escalated,
 * paused (and resumed or still paused), transferred, re-prioritised, taken over by management;
 * results accepted, objected to and reopened (in the same or another department), handed to
 * management, or the customer unreachable; some still open. Times have millisecond precision and
 * the steps fractional minutes, so medians and percentiles interpolate between distinct values.
 * Deadlines are recorded under two policy versions. About 13 events per ticket.
 */

export const DESK_DEPARTMENTS = ['billing', 'logistics', 'product', 'technical', 'aftersales'] as const;
const TYPES: readonly TicketType[] = ['consultation', 'complaint', 'suggestion', 'feedback'];
const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
const CHANNELS: readonly Channel[] = ['web_chat', 'message_board', 'email', 'hotline', 'social_media', 'on_site', 'visit'];
const POLICY_VERSIONS = ['deadlines-2025', 'deadlines-2026'];
// Words drawn from these, so that a search word matches a known share of the tickets.
const SUBJECTS = ['快递没到', '退款还没到账', '发票开错了', '屏幕碎了', 'Invoice charged twice', 'Parcel lost in transit', 'App crashes on login', 'Refund not received'];
const AGENTS = 20;
const HANDLERS_PER_DEPARTMENT = 6;

export interface DeskOptions {
  /** The ticket's id (any text unique per ticket; the bench and the tests pass UUIDs). */
  readonly ticketId: string;
  /** When the contact arrives, in ms since the epoch. */
  readonly openedAt: number;
  readonly customer: Customer;
  /** Global positions are numbered from here on. */
  readonly position: number;
  /** Event ids of the ticket: the n-th event's id. */
  readonly eventId: (n: number) => string;
}

/** One ticket's events, in the order its services recorded them. */
export function deskTicket(random: () => number, options: DeskOptions): RecordedEvent[] {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const chance = (p: number) => random() < p;
  const { ticketId, customer } = options;
  const events: RecordedEvent[] = [];
  const positions: Record<string, number> = {};
  let at = options.openedAt;
  /** A step later by a fractional number of minutes, at millisecond precision. */
  const later = (minutes: number) => (at += Math.max(1, Math.round(minutes * 60_000)));
  const iso = (ms: number) => new Date(ms).toISOString();
  const add = (service: 'intake' | 'routing' | 'followup', actor: Actor, event: HandoffEvent) => {
    const streamId = `${service}-ticket-${ticketId}`;
    const streamPosition = positions[streamId] ?? 0;
    positions[streamId] = streamPosition + 1;
    const occurredAt = iso(at);
    events.push({
      eventId: options.eventId(events.length),
      type: event.type,
      schemaVersion: schemaVersionOf(event.type),
      streamId,
      streamPosition,
      globalPosition: String(options.position + events.length),
      ticketId,
      data: event.data,
      metadata: {
        correlationId: ticketId,
        causationId: events.length > 0 ? events[events.length - 1]!.eventId : ticketId,
        actorId: actor.id,
        role: actor.role,
        ...(actor.department ? { department: actor.department } : {}),
        occurredAt,
        recordedAt: occurredAt,
      },
      contentHash: '',
      previousHash: '',
      hash: '',
    } as RecordedEvent);
  };

  const system = (service: string): Actor => ({ id: `system:${service}`, role: 'system' });
  const agent = (): Actor => ({ id: `agent-${Math.floor(random() * AGENTS)}`, role: 'cs' });
  const handlerOf = (department: string): Actor => ({ id: `h-${department}-${Math.floor(random() * HANDLERS_PER_DEPARTMENT)}`, role: 'department_handler', department });
  const director: Actor = { id: 'director-1', role: 'management' };

  const type = pick(TYPES);
  const channel = pick(CHANNELS);
  let priority = pick(PRIORITIES);
  const complaint = type === 'complaint';
  const category = `cat-${Math.floor(random() * 8)}`;
  const platform = channel === 'social_media' ? { platform: 'wechat' } : {};
  const subject = `${pick(SUBJECTS)} ${ticketId.slice(0, 8)}`;
  const description = 'The customer would like to know where things stand.';
  const firstContact = !complaint && chance(0.3);

  add('intake', { id: 'gateway', role: 'system' }, {
    type: 'ContactRecorded',
    data: { sourceSystem: 'desk', externalId: ticketId, channel, ...platform, type, customer, subject, description },
  });
  add('intake', system('intake'), {
    type: 'TicketClassified',
    data: {
      category,
      priority,
      resolution: firstContact ? 'first_contact' : 'department',
      matched: { category: 'desk', priority: 'desk', resolution: 'desk' },
      rulesVersion: 'desk-1',
    },
  });

  const confirm = (round: number, department: string | undefined, resolvedBy: 'first_contact' | 'department') =>
    add('followup', system('followup'), { type: 'ConfirmationRequested', data: { round, resolvedBy, ...(department ? { department } : {}), resultSummary: `Result ${round}` } });
  /** The customer's answer on a result: satisfied, objecting, or out of reach. */
  const verdict = (round: number, department: string | undefined, resolvedBy: 'first_contact' | 'department'): 'satisfied' | 'objected' | 'unreachable' | 'open' => {
    const cs = agent();
    later(5 + random() * 120);
    const draw = random();
    if (draw < 0.68) {
      add('followup', cs, { type: 'CustomerConfirmedSatisfaction', data: { round } });
      add('followup', cs, { type: 'TicketClosed', data: { outcome: 'satisfied', round } });
      return 'satisfied';
    }
    if (draw < 0.86) {
      add('followup', cs, { type: 'CustomerObjected', data: { round, resolvedBy, ...(department ? { department } : {}), objection: 'Not what I asked for.' } });
      return 'objected';
    }
    if (draw < 0.96) {
      for (const attempt of [1, 2, 3]) {
        add('followup', cs, { type: 'ContactAttemptFailed', data: { round, attempt } });
        later(30 + random() * 60);
      }
      add('followup', system('followup'), { type: 'TicketClosed', data: { outcome: 'unconfirmed_unreachable', round } });
      return 'unreachable';
    }
    return 'open';
  };

  const handed = (reason: 'classified_for_department' | 'cs_could_not_answer' | 'customer_objected', actor: Actor) =>
    add('intake', actor, {
      type: 'TicketHandedOver',
      data: { channel, ...platform, type, category, priority, customer, subject, description, complaint, reason },
    });

  if (firstContact) {
    const cs = agent();
    later(1 + random() * 20);
    if (chance(0.8)) {
      add('intake', cs, { type: 'AnsweredAtFirstContact', data: { answer: 'Here is how.' } });
      confirm(0, undefined, 'first_contact');
      if (verdict(0, undefined, 'first_contact') !== 'objected') return events;
      // Not satisfied with CS's answer: a department takes it on.
      handed('customer_objected', system('intake'));
    } else {
      handed('cs_could_not_answer', cs);
    }
  } else {
    handed('classified_for_department', system('intake'));
  }

  const deadlinesFrom = (from: number, version: string): Deadlines => ({
    from: iso(from),
    firstResponseDueAt: iso(from + (15 + Math.floor(random() * 4) * 15) * 60_000),
    resolutionDueAt: iso(from + (4 + Math.floor(random() * 20)) * 3_600_000),
    policyVersion: version,
  });
  let department: string = pick(DESK_DEPARTMENTS);
  later(random() * 2);
  let deadlines = deadlinesFrom(at, pick(POLICY_VERSIONS));
  add('routing', system('routing'), {
    type: 'TicketRouted',
    data: { department, rule: 'desk', reason: 'desk', round: 1, type, category, priority, channel, ...platform, complaint, deadlines },
  });
  if (complaint) add('routing', system('routing'), { type: 'ManagementInvolved', data: { reason: 'complaint' } });

  for (let round = 1; round <= 3; round += 1) {
    let handler = handlerOf(department);
    later(random() * 20);
    add('routing', handler, { type: 'HandlerAssigned', data: { department, handlerId: handler.id, method: 'claim', reason: 'claimed' } });
    // The first response, sometimes after its deadline (recorded as a breach, and perhaps escalated).
    const responseAt = at + Math.round((5 + random() * 70) * 60_000);
    const firstDue = Date.parse(deadlines.firstResponseDueAt);
    if (responseAt > firstDue + 60_000 && chance(0.9)) {
      at = Math.max(at, firstDue + 60_000);
      add('routing', system('routing'), { type: 'DeadlineBreached', data: { deadline: 'first_response', round, department, dueAt: deadlines.firstResponseDueAt } });
      if (chance(0.5)) {
        add('routing', system('routing'), {
          type: 'TicketEscalated',
          data: { level: 'department_manager', trigger: 'first_response_overdue', round, department, reason: 'no first response', dueAt: deadlines.firstResponseDueAt },
        });
      }
    }
    at = Math.max(at, responseAt);
    if (chance(0.1)) {
      // Still no word: the ticket stays open, judged as it stands.
      return events;
    }
    add('routing', handler, { type: 'ProgressReported', data: { round, department, note: 'Looking into it.', firstResponse: true } });
    // CS is kept informed while the department works.
    for (let update = Math.floor(random() * 4); update > 0; update -= 1) {
      later(10 + random() * 120);
      add('routing', handler, { type: 'ProgressReported', data: { round, department, note: 'Still on it; the warehouse is checking.', firstResponse: false } });
    }

    if (chance(0.1)) {
      const previousPriority = priority;
      priority = pick(PRIORITIES.filter((p) => p !== priority));
      const previousDeadlines = deadlines;
      deadlines = { ...deadlines, resolutionDueAt: iso(Date.parse(deadlines.resolutionDueAt) + (chance(0.5) ? -1 : 1) * 3_600_000) };
      later(random() * 30);
      add('routing', { id: `m-${department}`, role: 'department_manager', department }, {
        type: 'PriorityChanged',
        data: { round, department, previousPriority, priority, reason: 'the customer called again', previousDeadlines, deadlines },
      });
    }
    if (chance(0.2)) {
      // Waiting on the customer: the resolution clock stands still, and mostly starts again.
      later(random() * 60);
      const pausedAt = iso(at);
      add('routing', handler, {
        type: 'ResolutionClockPaused',
        data: { round, department, reason: 'waiting_on_customer', handlerId: handler.id, pausedAt, resolutionDueAt: deadlines.resolutionDueAt, resumeBy: iso(at + 48 * 3_600_000) },
      });
      if (chance(0.2)) return events;
      const pausedMinutes = 30 + random() * 600;
      later(pausedMinutes);
      deadlines = { ...deadlines, resolutionDueAt: iso(Date.parse(deadlines.resolutionDueAt) + Math.round(pausedMinutes * 60_000)) };
      add('routing', handler, {
        type: 'ResolutionClockResumed',
        data: { round, department, trigger: 'handler', reason: 'waiting_on_customer', pausedAt, resumedAt: iso(at), pausedMinutes, deadlines },
      });
    }
    if (chance(0.08)) {
      const toDepartment = pick(DESK_DEPARTMENTS.filter((d) => d !== department));
      later(random() * 30);
      add('routing', handler, { type: 'TransferRequested', data: { fromDepartment: department, toDepartment, reason: 'not ours' } });
      later(random() * 30);
      add('routing', { id: `m-${toDepartment}`, role: 'department_manager', department: toDepartment }, {
        type: 'TransferAccepted',
        data: { fromDepartment: department, toDepartment, previousHandlerId: handler.id },
      });
      department = toDepartment;
      handler = handlerOf(department);
      add('routing', handler, { type: 'HandlerAssigned', data: { department, handlerId: handler.id, method: 'claim', reason: 'claimed' } });
    }
    if (complaint && chance(0.1)) {
      later(random() * 60);
      add('routing', director, { type: 'TicketTakenOver', data: { department, round, holderId: director.id, reason: 'coordinating', previousHandlerId: handler.id } });
    }
    const worked = at;
    later(10 + random() * 900);
    const resolutionDue = Date.parse(deadlines.resolutionDueAt);
    if (at > resolutionDue + 60_000 && chance(0.7)) {
      const reached = at;
      at = Math.max(worked, resolutionDue + 60_000);
      add('routing', system('routing'), { type: 'DeadlineBreached', data: { deadline: 'resolution', round, department, dueAt: deadlines.resolutionDueAt } });
      at = reached;
    }
    if (chance(0.07)) return events;
    add('routing', handler, {
      type: 'ResultReported',
      data: {
        round,
        department,
        handlerId: handler.id,
        summary: `Result ${round}`,
        complaint,
        ...(complaint ? { apology: 'We are sorry.', correctiveAction: 'Checked daily from now on.', cause: 'billing_error' } : {}),
      },
    });
    confirm(round, department, 'department');
    const answer = verdict(round, department, 'department');
    if (answer !== 'objected') return events;
    if (round === 3) {
      add('followup', system('followup'), { type: 'TicketHandedToManagement', data: { round, department, objection: 'Still not right.', maxRounds: 3 } });
      return events;
    }
    // A second handling: the same department, or another.
    const previousDepartment = department;
    if (chance(0.3)) department = pick(DESK_DEPARTMENTS.filter((d) => d !== department));
    later(random() * 5);
    deadlines = deadlinesFrom(at, pick(POLICY_VERSIONS));
    add('routing', system('routing'), {
      type: 'TicketReopened',
      data: {
        round: round + 1,
        department,
        ...(department !== previousDepartment ? { previousDepartment } : { handlerId: handler.id }),
        objection: 'Not what I asked for.',
        deadlines,
      },
    });
  }
  return events;
}

/** `tickets` tickets opened across `days` days from `start`, each as deskTicket draws it. */
export function deskHistory(options: { readonly seed: number; readonly tickets: number; readonly start: string; readonly days: number; readonly customer: Customer }): RecordedEvent[] {
  const random = seededRandom(options.seed);
  const start = Date.parse(options.start);
  const events: RecordedEvent[] = [];
  for (let index = 0; index < options.tickets; index += 1) {
    const ticketId = uuidOf(options.seed, index, 0);
    const openedAt = start + Math.floor(random() * options.days * 86_400_000);
    events.push(...deskTicket(random, { ticketId, openedAt, customer: options.customer, position: events.length + 1, eventId: (n) => uuidOf(options.seed, index, n + 1) }));
  }
  return events;
}

/** A well-formed UUID from three numbers, so a generated desk is the same on every run. */
export function uuidOf(seed: number, index: number, n: number): string {
  const hex = (value: number, width: number) => (value >>> 0).toString(16).padStart(width, '0').slice(-width);
  return `${hex(seed, 8)}-${hex(n, 4)}-4${hex(index >>> 16, 3)}-8${hex(index >>> 4, 3)}-${hex(index, 12)}`;
}
